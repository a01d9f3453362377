"""The navbar badge's unread count, on every page, counted only if a template asks for it."""

from django.utils.functional import cached_property

from . import selectors


class NotificationBadge:
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
