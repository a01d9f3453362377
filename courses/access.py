"""The one answer to "this course, for this user": the course, or 404 / 403 with the reason."""

from __future__ import annotations

import copy
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from . import permissions
from .models import Course

BLOCKED = _("The teacher of this course has blocked you from it.")


class CourseClosed(PermissionDenied):
    """Refused only because the course is closed (its message says so); the classroom's socket
    closes with its own code for it."""


def course_or_deny(
    user, pk: int, check: Callable[..., bool], *, refusal: str | None = None, related: tuple[str, ...] = ()
) -> Course:
    """The course when ``check(user, course)`` allows it. Otherwise: 404 when the course does
    not exist or is hidden from this user (closed, not theirs), 403 naming the block to a
    blocked student, ``CourseClosed`` when only the course's being closed stands in the way,
    else 403 with ``refusal`` (or Django's default text). ``related``: more relations to load
    in the same query."""
    courses = Course.objects.select_related("teacher", *related)
    if user.is_authenticated:
        courses = courses.annotate(**permissions.relation_annotations(user))
    course = get_object_or_404(courses, pk=pk)
    if user.is_authenticated:
        permissions.attach_relation(user, course)
    if check(user, course):
        return course
    if permissions.is_blocked_from(user, course):
        raise PermissionDenied(BLOCKED)
    if not permissions.can_view_course(user, course):
        raise Http404
    if permissions.is_closed(course) and check(user, _as_open(course)):
        raise CourseClosed(permissions.CLOSED)
    raise PermissionDenied(refusal) if refusal else PermissionDenied


def _as_open(course: Course) -> Course:
    """The same course (and the viewer's standing in it) as if it were open."""
    opened = copy.copy(course)
    opened.is_active = True
    return opened
