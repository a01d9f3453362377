"""Reactions of notifications to what accounts announces (connected in apps.py)."""

from elearning.realtime import group_send_on_commit

from . import payloads


def close_badge_sockets(sender, *, user, **kwargs) -> None:
    """A blocked account's badge sockets close once the block commits."""
    group_send_on_commit(payloads.user_group(user.pk), {"type": payloads.CLOSE})
