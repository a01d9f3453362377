"""Template filters of invitations: links shown by the rules the views enforce."""

from django import template

from invitations import permissions

register = template.Library()


@register.filter
def may_invite(user) -> bool:
    """``{% if user|may_invite %}``: the Invitations link and buttons."""
    return permissions.can_invite(user)


@register.filter
def may_share_courses(user) -> bool:
    """``{% if user|may_share_courses %}``: the join-links page."""
    return permissions.can_share_courses(user)
