"""Template helpers for showing people: ``{% avatar user %}`` wherever a user appears."""

import datetime

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from accounts import permissions

register = template.Library()

SIZES = {"sm": 32, "md": 48, "lg": 96}


@register.inclusion_tag("accounts/_avatar.html")
def avatar(user, size="sm"):
    return {"person": user, "px": SIZES.get(size, SIZES["sm"])}


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
