"""Writes to courses and rosters. Every function is safe to call twice or in parallel."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from .models import Course, CourseBlock, Enrollment


class EnrollmentError(PermissionDenied):
    """A student may not join (blocked, course closed, not a student); the message says why."""


def course_create(
    *,
    teacher: User,
    title: str,
    code: str,
    description: str = "",
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    is_active: bool = True,
) -> Course:
    course = Course(
        teacher=teacher,
        title=title,
        code=code,
        description=description,
        start_date=start_date,
        end_date=end_date,
        is_active=is_active,
    )
    _save_course(course)
    return course


def course_update(*, course: Course, **fields) -> Course:
    editable = {"title", "code", "description", "start_date", "end_date", "is_active"}
    unknown = set(fields) - editable
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(course, name, value)
    _save_course(course)
    return course


def _save_course(course: Course) -> None:
    try:
        with transaction.atomic():
            course.save()
    except IntegrityError:
        # A parallel request took the code between validation and save.
        raise ValidationError({"code": _("Another course already uses this code.")}) from None


@transaction.atomic
def course_delete(*, course: Course) -> None:
    course.delete()


def _activate_enrollment(*, student: User, course: Course) -> bool:
    """Make the enrollment active; True only when this call changed something."""
    with transaction.atomic():
        enrollment, created = Enrollment.objects.get_or_create(student=student, course=course)
    if created:
        return True
    reactivated = Enrollment.objects.filter(pk=enrollment.pk, is_active=False)
    return reactivated.update(is_active=True, updated_at=timezone.now()) == 1


def enrollment_enroll(*, student: User, course: Course) -> bool:
    """The student joins the course (or re-joins). Returns whether they were newly enrolled."""
    if not student.is_student:
        raise EnrollmentError(_("Only students can join courses."))
    if not course.is_active:
        raise EnrollmentError(_("This course is not open for enrollment."))
    if CourseBlock.objects.filter(course=course, student=student).exists():
        raise EnrollmentError(_("The teacher of this course has blocked you from it."))
    return _activate_enrollment(student=student, course=course)


def enrollment_unenroll(*, student: User, course: Course) -> bool:
    """The student leaves the course. Returns whether they were enrolled."""
    active = Enrollment.objects.filter(student=student, course=course, is_active=True)
    return active.update(is_active=False, updated_at=timezone.now()) == 1


def roster_add_student(*, course: Course, student: User) -> bool:
    """The teacher puts a student in the course. Returns whether they were newly enrolled."""
    if not student.is_student:
        raise EnrollmentError(_("Only students can be added to a course."))
    if CourseBlock.objects.filter(course=course, student=student).exists():
        raise EnrollmentError(_("%(name)s is blocked from this course; unblock them first.") % {"name": student})
    return _activate_enrollment(student=student, course=course)


def roster_remove_student(*, course: Course, student: User) -> bool:
    return enrollment_unenroll(student=student, course=course)


@transaction.atomic
def roster_block_student(*, course: Course, student: User, blocked_by: User) -> bool:
    """Block a student from the course; they leave it at once. Returns whether newly blocked."""
    if student.pk == course.teacher_id:
        raise ValidationError(_("A teacher cannot block themself."))
    with transaction.atomic():
        _block, created = CourseBlock.objects.get_or_create(
            course=course, student=student, defaults={"blocked_by": blocked_by}
        )
    enrollment_unenroll(student=student, course=course)
    return created


def roster_unblock_student(*, course: Course, student: User) -> bool:
    """Lift the block; the student may join again (they are not re-enrolled automatically)."""
    deleted, _rows = CourseBlock.objects.filter(course=course, student=student).delete()
    return deleted > 0
