"""Template helpers for showing people: ``{% avatar user %}`` wherever a user appears."""

from django import template

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
