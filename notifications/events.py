"""THE functions every event of the site calls to notify people.

Each one is called inside the caller's transaction with keyword-only arguments, creates the
notification rows there and schedules the e-mail and the live push for after the commit (see
``services.notifications_create``). Titles and messages are plain text in the active language;
templates and the e-mail renderer escape them.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course

from . import selectors, services
from .models import Notification

Type = Notification.Type


def _roster_url(course: Course) -> str:
    return reverse("courses:roster", args=[course.pk])


def notify_student_enrolled(*, course: Course, student: User) -> list[Notification]:
    """A student joined: their teacher hears of it."""
    names = {"student": student.display_name, "course": course.title}
    return services.notifications_create(
        recipients=[course.teacher],
        type=Type.ENROLLED,
        title=_("%(student)s joined %(course)s") % names,
        message=_("%(student)s enrolled in your course “%(course)s”.") % names,
        link=_roster_url(course),
    )


def notify_student_unenrolled(*, course: Course, student: User) -> list[Notification]:
    """A student left (or was removed): their teacher hears of it."""
    names = {"student": student.display_name, "course": course.title}
    return services.notifications_create(
        recipients=[course.teacher],
        type=Type.UNENROLLED,
        title=_("%(student)s left %(course)s") % names,
        message=_("%(student)s is no longer enrolled in your course “%(course)s”.") % names,
        link=_roster_url(course),
    )


def notify_student_blocked(*, course: Course, student: User) -> list[Notification]:
    """The teacher blocked a student. No link: the course page is closed to them now."""
    names = {"course": course.title, "teacher": course.teacher.display_name}
    return services.notifications_create(
        recipients=[student],
        type=Type.BLOCKED,
        title=_("You were blocked from %(course)s") % names,
        message=_(
            "%(teacher)s blocked you from the course “%(course)s”. You can no longer open it "
            "or join it again."
        )
        % names,
    )


def notify_student_added(*, course: Course, student: User) -> list[Notification]:
    """The teacher put a student in the course."""
    names = {"course": course.title, "teacher": course.teacher.display_name}
    return services.notifications_create(
        recipients=[student],
        type=Type.ADDED,
        title=_("You were added to %(course)s") % names,
        message=_("%(teacher)s added you to the course “%(course)s”.") % names,
        link=course.get_absolute_url(),
    )


def notify_material_uploaded(*, course: Course, title: str) -> list[Notification]:
    """New material: every actively enrolled student, in one INSERT and one e-mail batch."""
    names = {"course": course.title, "title": title}
    return services.notifications_create(
        recipients=selectors.course_students(course=course),
        type=Type.MATERIAL,
        title=_("New material in %(course)s") % names,
        message=_("“%(title)s” was added to the course “%(course)s”.") % names,
        link=course.get_absolute_url(),
    )


def notify_feedback_left(*, course: Course, student: User, rating: int) -> list[Notification]:
    """A student rated the course: its teacher hears of it."""
    names = {"student": student.display_name, "course": course.title, "rating": rating}
    return services.notifications_create(
        recipients=[course.teacher],
        type=Type.FEEDBACK,
        title=_("New feedback on %(course)s") % names,
        message=_("%(student)s rated your course “%(course)s” %(rating)s out of 5.") % names,
        link=course.get_absolute_url(),
    )


def notify_course_deleted(*, course: Course) -> list[Notification]:
    """Called inside the deletion transaction BEFORE ``course.delete()``: the rows keep the
    course's title as text and link to nothing, since the course page is about to go."""
    names = {"course": course.title, "teacher": course.teacher.display_name}
    return services.notifications_create(
        recipients=selectors.course_students(course=course),
        type=Type.COURSE_DELETED,
        title=_("%(course)s was deleted") % names,
        message=_(
            "%(teacher)s deleted the course “%(course)s”. Its materials and classroom are no "
            "longer available."
        )
        % names,
    )
