"""Template helpers for course pages."""

from django import template

from courses import permissions

register = template.Library()


@register.filter
def star_icons(value) -> list[str]:
    """Bootstrap icon names for a 0–5 rating, rounded to the nearest half star."""
    try:
        halves = round(float(value) * 2)
    except (TypeError, ValueError):
        halves = 0
    halves = max(0, min(10, halves))
    return ["star-fill"] * (halves // 2) + ["star-half"] * (halves % 2) + ["star"] * (5 - halves // 2 - halves % 2)


@register.filter
def may_create_course(user) -> bool:
    """``{% if user|may_create_course %}``: the "New course" button, by the rule the view enforces."""
    return permissions.can_create_course(user)


@register.filter
def may_search_people(user) -> bool:
    """``{% if user|may_search_people %}``: the navbar's "People" link, by the rule the view enforces."""
    return permissions.can_search_people(user)
