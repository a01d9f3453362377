"""Reads for the people search: who a teacher can find, and how each result stands with the
teacher's own courses. E-mail addresses are matched only whole, so the search cannot be used to
collect them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Lower, NullIf

from accounts.models import User

from .models import Course, CourseBlock, Enrollment


def courses_to_add_to(*, teacher) -> list[Course]:
    """The courses a search result can be added to: the teacher's own, by title."""
    return list(Course.objects.filter(teacher=teacher).only("pk", "title", "code", "is_active").order_by("title", "pk"))


def people_search(
    *,
    viewer,
    query: str = "",
    role: str = "",
    hide_blocked_from: Course | None = None,
    include_blocked_accounts: bool = False,
) -> QuerySet[User]:
    """Active accounts matching ``query``, by name (A–Z, case-insensitive).

    ``query`` matches the full name, first or last name and username by case-insensitive
    substring (a leading ``@`` is ignored, as results show ``@username``), and an e-mail
    address only when it is the whole address; rows annotated ``matched_email`` matched that
    way. ``hide_blocked_from`` leaves out the students blocked from that course. Each row
    carries ``viewer_enrollments`` and ``viewer_blocks``: its ties with the viewer's courses
    (two queries for the whole page, see ``course_ties``)."""
    people = User.objects.filter(is_active=True)
    if not include_blocked_accounts:
        people = people.filter(is_blocked=False)
    if role:
        people = people.filter(role=role)
    query = query.strip()
    if query:
        whole_email = Q(email__iexact=query) & ~Q(email="")
        term = query.removeprefix("@")
        matches = whole_email
        if term:
            matches |= (
                Q(full_name__icontains=term)
                | Q(username__icontains=term)
                | Q(first_name__icontains=term)
                | Q(last_name__icontains=term)
            )
        people = people.filter(matches).annotate(
            matched_email=ExpressionWrapper(whole_email, output_field=BooleanField())
        )
    else:
        people = people.annotate(matched_email=Value(False))
    if hide_blocked_from is not None:
        people = people.exclude(Exists(CourseBlock.objects.filter(course=hide_blocked_from, student=OuterRef("pk"))))
    return (
        people.annotate(sort_name=Lower(Coalesce(NullIf("full_name", Value("")), "username")))
        .order_by("sort_name", "pk")
        .prefetch_related(
            Prefetch(
                "enrollments",
                queryset=Enrollment.objects.filter(course__teacher=viewer, is_active=True).only(
                    "pk", "student_id", "course_id"
                ),
                to_attr="viewer_enrollments",
            ),
            Prefetch(
                "course_blocks",
                queryset=CourseBlock.objects.filter(course__teacher=viewer).only("pk", "student_id", "course_id"),
                to_attr="viewer_blocks",
            ),
        )
    )


@dataclass
class PersonRow:
    """A search result with its ties to the viewer's courses."""

    person: User
    enrolled_in: list[Course] = field(default_factory=list)
    blocked_from: list[Course] = field(default_factory=list)
    addable: list[Course] = field(default_factory=list)  # courses the viewer may add them to


def course_ties(*, people, courses: list[Course]) -> list[PersonRow]:
    """Rows for a page of ``people_search`` results (no queries: it reads the prefetched ties)."""
    rows = []
    for person in people:
        enrolled = {e.course_id for e in person.viewer_enrollments}
        blocked = {b.course_id for b in person.viewer_blocks}
        row = PersonRow(person=person)
        for course in courses:
            if course.pk in blocked:
                row.blocked_from.append(course)
            elif course.pk in enrolled:
                row.enrolled_in.append(course)
            elif person.is_student and not person.is_blocked:
                row.addable.append(course)
        rows.append(row)
    return rows
