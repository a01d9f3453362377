"""What assignments tell people, and in which words: one function per event.

Called inside the caller's transaction; ``notifications.services.notify`` writes the rows and
sends e-mail and the live badge after the commit.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from courses import selectors as course_selectors
from notifications import kinds
from notifications.services import notify

from .models import Assignment, Submission

SUBMISSION = "submission"
DEADLINE = "deadline"


def register_kinds() -> None:
    """Called from ``AssignmentsConfig.ready()``."""
    kinds.register(SUBMISSION, gettext_lazy("Quiz submitted"), "check2-square")
    kinds.register(DEADLINE, gettext_lazy("Deadline"), "calendar-event")


def quiz_submitted(*, submission: Submission, student: User):
    """A student handed in a quiz: the course's teacher hears of it."""
    assignment = submission.assignment
    names = {
        "student": student.display_name,
        "title": assignment.title,
        "score": submission.score,
        "total": submission.total,
    }
    return notify(
        recipients=[assignment.course.teacher],
        kind=SUBMISSION,
        title=_("%(student)s submitted “%(title)s”") % names,
        message=_("%(student)s scored %(score)s out of %(total)s on “%(title)s”.") % names,
        link=reverse("assignments:submissions", args=[assignment.course_id, assignment.pk]),
    )


def deadline_changed(*, assignment: Assignment):
    """The deadline of a published assignment was set, moved or removed: every enrolled student
    of the course, in one batch."""
    course = assignment.course
    names = {"title": assignment.title, "course": course.title}
    if assignment.deadline:
        names["deadline"] = formats.date_format(timezone.localtime(assignment.deadline), "DATETIME_FORMAT")
        title = _("New deadline for “%(title)s”: %(deadline)s") % names
        message = _("“%(title)s” in %(course)s is now due %(deadline)s.") % names
    else:
        title = _("“%(title)s” no longer has a deadline") % names
        message = _("The deadline of “%(title)s” in %(course)s was removed.") % names
    return notify(
        recipients=course_selectors.students_to_notify(course=course),
        kind=DEADLINE,
        title=title,
        message=message,
        link=assignment.get_absolute_url(),
    )
