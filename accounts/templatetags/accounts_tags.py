"""Template helpers for showing people: ``{% avatar user %}`` wherever a user appears."""

import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from accounts import permissions

register = template.Library()

SIZES = {"xs": 24, "sm": 32, "md": 48, "lg": 96}


@register.simple_tag
def avatar(user, size="sm", decorative=False):
    """The user's photo, or their initial in a circle. Built in Python, not by an inclusion
    template: pages show many (rosters, feedback, course cards) and a template per avatar was a
    tenth of a dashboard's time (bench/pages.py). ``decorative``: the name is written beside it,
    so screen readers skip the picture (no name said twice)."""
    px = SIZES.get(size, SIZES["sm"])
    name = "" if decorative else user.display_name
    if user.photo:
        return format_html(
            '<img src="{}" alt="{}" width="{}" height="{}" class="avatar rounded-circle" loading="lazy">',
            user.photo.url, name, px, px,
        )
    # Sized by a class (site.css), not a style attribute: pages allow no inline style (CSP).
    if decorative:
        return format_html(
            '<span class="avatar avatar-initial avatar-{} rounded-circle" aria-hidden="true">{}</span>',
            size if size in SIZES else "sm", user.initial,
        )
    return format_html(
        '<span class="avatar avatar-initial avatar-{} rounded-circle" role="img" aria-label="{}">{}</span>',
        size if size in SIZES else "sm", name, user.initial,
    )


@register.filter
def is_site_admin(user) -> bool:
    """``{% if user|is_site_admin %}``: the admin link, by accounts.permissions."""
    return permissions.is_site_admin(user)


@register.filter
def posted_ago(moment):
    """"just now" for the first minute, then "5 minutes ago", "3 hours ago"."""
    if moment is None:
        return ""
    if timezone.now() - moment < datetime.timedelta(minutes=1):
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(moment)}
