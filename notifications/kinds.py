"""Kinds of notification: each app registers its own in ``AppConfig.ready()``.

notifications delivers what other apps write and knows none of them; a kind is a short slug
(``"enrolled"``, ``"submission"``) with a label for the admin's filter and an icon for the
centre. An unregistered kind still delivers, with a bell.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str
    icon: str = "bell"  # a Bootstrap Icons name


_kinds: dict[str, Kind] = {}

ANNOUNCEMENT = "announcement"  # the one kind of notifications' own: written by an admin


def register(slug: str, label, icon: str = "bell") -> None:
    if len(slug) > 32:
        raise ValueError(f"notification kind {slug!r} is longer than 32 characters")
    _kinds[slug] = Kind(slug, label, icon)


def get(slug: str) -> Kind:
    return _kinds.get(slug) or Kind(slug, slug.replace("_", " ").capitalize())


def choices() -> list[tuple[str, str]]:
    return sorted(((k.slug, k.label) for k in _kinds.values()), key=lambda pair: str(pair[1]))


register(ANNOUNCEMENT, _("Announcement"), "megaphone")
