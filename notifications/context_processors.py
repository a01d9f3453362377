"""The navbar badge's unread count, on every page, counted only if a template asks for it."""

from django.utils.functional import cached_property

from . import selectors
from .consumers import CLOSE_NOT_SIGNED_IN


class NotificationBadge:
    # Close codes after which badge.js stops reconnecting (read from the badge's data attribute).
    final_close_codes = (CLOSE_NOT_SIGNED_IN,)

    def __init__(self, user):
        self.user = user

    @cached_property
    def unread(self) -> int:
        return selectors.unread_count(user=self.user)


def notification_badge(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:  # anonymous: no query at all
        return {}
    return {"notification_badge": NotificationBadge(user)}
