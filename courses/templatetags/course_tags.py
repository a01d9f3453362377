"""Template helpers for course pages."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


@register.simple_tag
def stars(value):
    """``{% stars rating %}``: five star icons with the rating for screen readers.

    A tag rather than an included template: course cards and feedback lists show many.
    """
    label = _("%(value)s out of 5 stars") % {"value": floatformat(value, 1)}
    icons = format_html_join("", '<i class="bi bi-{}" aria-hidden="true"></i>', ((icon,) for icon in star_icons(value)))
    return format_html('<span class="stars text-nowrap" role="img" aria-label="{}">{}</span>', label, icons)


@register.simple_tag
def star_radios(field):
    """``{% star_radios form.rating %}``: the rating's five radio buttons drawn as stars.

    Built here rather than by a template loop with two plural translations per star: it is
    on the course page of every enrolled student.
    """
    invalid = ' aria-invalid="true" aria-describedby="rating-errors"' if field.errors else ""
    pieces = []
    for radio in field.subwidgets:
        option = radio.data
        try:
            label = ngettext("%(n)s star", "%(n)s stars", int(option["value"])) % {"n": option["value"]}
        except (TypeError, ValueError):
            label = str(option["label"])
        pieces.append(format_html(
            '<input type="radio" name="{name}" value="{value}" id="{id}"{checked} required{invalid}>\n'
            '<label for="{id}" title="{label}"><i class="bi bi-star" aria-hidden="true"></i>'
            '<i class="bi bi-star-fill" aria-hidden="true"></i><span class="visually-hidden">{label}</span></label>',
            name=option["name"], value=option["value"], id=radio.id_for_label,
            checked=" checked" if option["selected"] else "", invalid=mark_safe(invalid),
            label=label,
        ))
    return format_html_join("\n", "{}", ((piece,) for piece in pieces))


@register.filter
def may_create_course(user) -> bool:
    """``{% if user|may_create_course %}``: the "New course" button, by the rule the view enforces."""
    return permissions.can_create_course(user)


@register.filter
def may_search_people(user) -> bool:
    """``{% if user|may_search_people %}``: the navbar's "People" link, by the rule the view enforces."""
    return permissions.can_search_people(user)
