"""Who gets what from notifications."""

from __future__ import annotations

from accounts.permissions import can_log_in


def wants_email(user) -> bool:
    """Whether a notification for ``user`` should also be e-mailed (checked again at sending)."""
    return bool(user.email) and user.email_notifications and can_log_in(user)


def can_listen(user) -> bool:
    """The live badge's socket: a signed-in user who may use the site."""
    return user is not None and user.is_authenticated and can_log_in(user)
