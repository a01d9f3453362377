"""What courses tell people, and in which words: one function per event of a course.

Each is called inside the caller's transaction and hands its texts to
``notifications.services.notify`` (which knows nothing of courses). Titles and messages are
plain text in the active language; the centre and the e-mails escape them.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from notifications import kinds
from notifications.services import notify

from . import selectors
from .models import Course

ENROLLED = "enrolled"
UNENROLLED = "unenrolled"
BLOCKED = "blocked"
ADDED = "added"
MATERIAL = "material"
FEEDBACK = "feedback"
COURSE_DELETED = "course_deleted"


def register_kinds() -> None:
    """Called from ``CoursesConfig.ready()``."""
    kinds.register(ENROLLED, gettext_lazy("Student enrolled"), "person-plus")
    kinds.register(UNENROLLED, gettext_lazy("Student left"), "person-dash")
    kinds.register(BLOCKED, gettext_lazy("Blocked from a course"), "slash-circle")
    kinds.register(ADDED, gettext_lazy("Added to a course"), "person-check")
    kinds.register(MATERIAL, gettext_lazy("New material"), "file-earmark-arrow-up")
    kinds.register(FEEDBACK, gettext_lazy("New feedback"), "star")
    kinds.register(COURSE_DELETED, gettext_lazy("Course deleted"), "trash")


def _roster_url(course: Course) -> str:
    return reverse("courses:roster", args=[course.pk])


def student_enrolled(*, course: Course, student: User):
    """A student joined: their teacher hears of it."""
    names = {"student": student.display_name, "course": course.title}
    return notify(
        recipients=[course.teacher],
        kind=ENROLLED,
        title=_("%(student)s joined %(course)s") % names,
        message=_("%(student)s enrolled in your course “%(course)s”.") % names,
        link=_roster_url(course),
    )


def student_unenrolled(*, course: Course, student: User):
    """A student left: their teacher hears of it."""
    names = {"student": student.display_name, "course": course.title}
    return notify(
        recipients=[course.teacher],
        kind=UNENROLLED,
        title=_("%(student)s left %(course)s") % names,
        message=_("%(student)s is no longer enrolled in your course “%(course)s”.") % names,
        link=_roster_url(course),
    )


def student_blocked(*, course: Course, student: User):
    """The teacher blocked a student. No link: the course page is closed to them now."""
    names = {"course": course.title, "teacher": course.teacher.display_name}
    return notify(
        recipients=[student],
        kind=BLOCKED,
        title=_("You were blocked from %(course)s") % names,
        message=_(
            "%(teacher)s blocked you from the course “%(course)s”. You can no longer open it "
            "or join it again."
        )
        % names,
    )


def student_added(*, course: Course, student: User):
    """The teacher put a student in the course."""
    names = {"course": course.title, "teacher": course.teacher.display_name}
    return notify(
        recipients=[student],
        kind=ADDED,
        title=_("You were added to %(course)s") % names,
        message=_("%(teacher)s added you to the course “%(course)s”.") % names,
        link=course.get_absolute_url(),
    )


def material_uploaded(*, course: Course, title: str):
    """New material: every actively enrolled student, in one INSERT and one e-mail batch."""
    names = {"course": course.title, "title": title}
    return notify(
        recipients=selectors.students_to_notify(course=course),
        kind=MATERIAL,
        title=_("New material in %(course)s") % names,
        message=_("“%(title)s” was added to the course “%(course)s”.") % names,
        link=course.get_absolute_url(),
    )


def feedback_left(*, course: Course, student: User, rating: int):
    """A student rated the course: its teacher hears of it."""
    names = {"student": student.display_name, "course": course.title, "rating": rating}
    return notify(
        recipients=[course.teacher],
        kind=FEEDBACK,
        title=_("New feedback on %(course)s") % names,
        message=_("%(student)s rated your course “%(course)s” %(rating)s out of 5.") % names,
        link=course.get_absolute_url(),
    )


def course_deleted(*, course: Course):
    """Called inside the deletion transaction BEFORE ``course.delete()``: the rows keep the
    course's title as text and link to nothing, since the course page is about to go."""
    names = {"course": course.title, "teacher": course.teacher.display_name}
    return notify(
        recipients=selectors.students_to_notify(course=course),
        kind=COURSE_DELETED,
        title=_("%(course)s was deleted") % names,
        message=_(
            "%(teacher)s deleted the course “%(course)s”. Its materials and classroom are no "
            "longer available."
        )
        % names,
    )
