"""Template helpers of the notification centre and of the navbar's badge."""

from datetime import timedelta
from functools import lru_cache

from django import template
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

register = template.Library()

# The two places base.html shows the badge (see _badge.html).
BADGE_PLACES = {
    "menu": ("nav-link d-flex align-items-center gap-1", "notification-badge"),
    "compact": ("nav-link d-flex d-md-none align-items-center gap-1 ms-auto me-2 py-1", ""),
}


@register.filter
def ago(moment) -> str:
    """“just now” for the last minute, then “5 minutes ago”, “2 days ago”…"""
    if timezone.now() - moment < timedelta(minutes=1):
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(moment, depth=1)}


@lru_cache(maxsize=64)
def _badge_constants(language: str | None, script_prefix: str) -> dict[str, str]:
    """What every badge link in one language (and under one URL prefix) has in common."""
    return {
        "href": reverse("notifications:centre"),
        # badge.js puts the live count in place of {n}.
        "none": _("Notifications, none unread"),
        "one": ngettext("Notifications, {n} unread", "Notifications, {n} unread", 1),
        "many": ngettext("Notifications, {n} unread", "Notifications, {n} unread", 2),
        "heading": _("New notification"),
        "close": _("Close"),
    }


@register.simple_tag(takes_context=True)
def notification_badge_link(context, place: str = "menu") -> str:
    """The bell with the unread count, as a link to the centre; badge.js keeps it live.

    It is on every signed-in page, twice, so it is built here in Python rather than by a
    template of a dozen translation tags (bench/pages.py: a third of a small page's time).
    """
    badge = context.get("notification_badge")
    if not badge:
        return ""
    link_class, link_id = BADGE_PLACES[place]
    match = getattr(context.get("request"), "resolver_match", None)
    in_notifications = match is not None and match.namespace == "notifications"
    unread = badge.unread
    constants = _badge_constants(get_language(), get_script_prefix())
    if unread:
        label = ngettext("Notifications, %(n)s unread", "Notifications, %(n)s unread", unread) % {"n": unread}
    else:
        label = constants["none"]
    return format_html(
        '<a class="{link_class}{active}" href="{href}"{link_id} data-notification-badge{current}'
        ' data-ws-path="/ws/notifications/" data-final-close-codes="{final_close_codes}"'
        ' data-label-none="{none}" data-label-one="{one}"'
        ' data-label-many="{many}" data-toast-heading="{heading}" data-toast-close="{close}"'
        ' aria-label="{label}">'
        '<i class="bi bi-bell{fill} fs-5" aria-hidden="true" data-notification-icon></i>'
        ' <span class="badge rounded-pill text-bg-warning" data-notification-count{hidden}>{shown}</span></a>',
        **constants,
        # Close codes after which badge.js stops reconnecting.
        final_close_codes=",".join(str(code) for code in badge.final_close_codes),
        link_class=link_class,
        active=" active" if in_notifications else "",
        link_id=format_html(' id="{}"', link_id) if link_id else "",
        current=' aria-current="page"' if in_notifications and match.url_name == "centre" else "",
        label=label,
        fill="-fill" if unread else "",
        hidden=" hidden" if not unread else "",
        shown="99+" if unread > 99 else unread,
    )
