"""Reactions of accounts to Django's auth signals (connected in apps.py)."""

from elearning.realtime import sockets_recheck_on_commit


def recheck_sockets_on_logout(sender, *, user, **kwargs) -> None:
    """The sockets of the session that logged out close (they reconnect and are refused)."""
    if user is not None:
        sockets_recheck_on_commit(user.pk)
