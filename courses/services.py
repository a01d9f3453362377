"""Writes to courses and rosters. Every function is safe to call twice or in parallel."""

from __future__ import annotations

import datetime
import hashlib
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import date as date_format
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from . import notices, permissions, selectors, signals
from .models import Course, CourseBlock, CourseMaterial, Enrollment, Feedback, material_storage
from .uploads import InspectedUpload

logger = logging.getLogger(__name__)


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
    was_open = not permissions.is_closed(course)
    for name, value in fields.items():
        setattr(course, name, value)
    with transaction.atomic():
        _save_course(course)
        if was_open and permissions.is_closed(course):
            signals.course_closed.send(sender=Course, course=course)  # e.g. its classroom empties
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
    """Delete the course with its enrollments and materials; its students are told."""
    files = list(course.materials.values_list("file", flat=True))
    notices.course_deleted(course=course)  # before the delete: it reads the enrolled students
    signals.course_deleted.send(sender=Course, course=course)  # e.g. the classroom closes
    course.delete()
    transaction.on_commit(lambda: _delete_files(files))


def _activate_enrollment(*, student: User, course: Course) -> bool:
    """Make the enrollment active; True only when this call changed something.

    Parallel calls for one student and course are safe: the unique constraint lets one insert
    win, and the conditional UPDATE lets one reactivation win, so exactly one caller gets True
    (and sends the one notification).
    """
    with transaction.atomic():
        enrollment, created = Enrollment.objects.get_or_create(student=student, course=course)
    if created:
        return True
    reactivated = Enrollment.objects.filter(pk=enrollment.pk, is_active=False)
    return reactivated.update(is_active=True, updated_at=timezone.now()) == 1


def _deactivate_enrollment(*, student: User, course: Course) -> bool:
    active = Enrollment.objects.filter(student=student, course=course, is_active=True)
    return active.update(is_active=False, updated_at=timezone.now()) == 1


def _revoke_access(*, student: User, course: Course) -> None:
    """Tell the apps above that the student lost the course (their live sockets close)."""
    signals.access_revoked.send(sender=Course, course=course, user_id=student.pk)


@transaction.atomic
def enrollment_enroll(*, student: User, course: Course) -> bool:
    """The student joins the course (or re-joins). Returns whether they were newly enrolled."""
    refusal = permissions.enroll_refusal(student, course)
    if refusal:
        raise EnrollmentError(refusal)
    joined = _activate_enrollment(student=student, course=course)
    if joined:
        notices.student_enrolled(course=course, student=student)
    return joined


@transaction.atomic
def enrollment_unenroll(*, student: User, course: Course) -> bool:
    """The student leaves the course. Returns whether they were enrolled."""
    left = _deactivate_enrollment(student=student, course=course)
    if left:
        notices.student_unenrolled(course=course, student=student)
        _revoke_access(student=student, course=course)
    return left


@transaction.atomic
def roster_add_student(*, course: Course, student: User) -> bool:
    """The teacher puts a student in the course. Returns whether they were newly enrolled."""
    refusal = permissions.roster_add_refusal(student, course)
    if refusal:
        raise EnrollmentError(refusal)
    added = _activate_enrollment(student=student, course=course)
    if added:
        notices.student_added(course=course, student=student)
    return added


@transaction.atomic
def roster_remove_student(*, course: Course, student: User) -> bool:
    """The teacher takes a student out of the course (they may join again)."""
    removed = _deactivate_enrollment(student=student, course=course)
    if removed:
        _revoke_access(student=student, course=course)
    return removed


@transaction.atomic
def roster_block_student(*, course: Course, student: User, blocked_by: User) -> bool:
    """Block a student from the course; they leave it at once. Returns whether newly blocked."""
    if student.pk == course.teacher_id:
        raise ValidationError(_("A teacher cannot block themself."))
    with transaction.atomic():
        _block, created = CourseBlock.objects.get_or_create(
            course=course, student=student, defaults={"blocked_by": blocked_by}
        )
    _deactivate_enrollment(student=student, course=course)
    if created:
        notices.student_blocked(course=course, student=student)
        _revoke_access(student=student, course=course)  # once, enrolled or not
    return created


def roster_unblock_student(*, course: Course, student: User) -> bool:
    """Lift the block; the student may join again (they are not re-enrolled automatically)."""
    deleted, _rows = CourseBlock.objects.filter(course=course, student=student).delete()
    return deleted > 0


class DuplicateMaterial(ValidationError):
    """The course already has a material with exactly this content; ``existing`` is that one."""

    def __init__(self, existing: CourseMaterial):
        self.existing = existing
        super().__init__(
            _(
                "This file is already in the course as “%(title)s” (uploaded %(date)s), so it was not "
                "uploaded again and nobody was notified. To rename it, edit that material."
            ) % {"title": existing.title, "date": date_format(existing.created_at, "DATE_FORMAT")},
            code="duplicate_material",
        )


class _HashingFile(File):
    """The upload as the storage reads it, hashed on the way: one pass over the bytes."""

    def __init__(self, file, name: str):
        super().__init__(file, name)
        self.sha256 = hashlib.sha256()
        self.hashed = 0

    def chunks(self, chunk_size=None):
        for chunk in super().chunks(chunk_size):
            self.sha256.update(chunk)
            self.hashed += len(chunk)
            yield chunk


def _content_sha256(upload, hashing: _HashingFile, size: int) -> str:
    if hashing.hashed == size:
        return hashing.sha256.hexdigest()
    # A storage that reads the file some other way than chunks(): hash it once more.
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def material_upload(
    *, course: Course, uploaded_by: User, title: str, upload: UploadedFile, inspected: InspectedUpload
) -> CourseMaterial:
    """Store a checked upload (streamed in chunks, under a random name) and tell the students.

    Raises ``DuplicateMaterial`` (nothing stored, nobody told) when the course already has a
    material with the same content: a second copy gives students nothing new but a second notice.
    """
    material = CourseMaterial(
        course=course,
        uploaded_by=uploaded_by,
        title=title,
        kind=inspected.format.kind,
        content_type=inspected.format.content_type,
        original_name=inspected.name,
        size=inspected.size,
    )
    upload.seek(0)
    # Wrapped, the upload is copied through chunks() rather than moved from its temporary file:
    # the copy is the one read that hashes it.
    hashing = _HashingFile(upload, name=inspected.name)
    material.file.save(inspected.name, hashing, save=False)
    material.sha256 = _content_sha256(upload, hashing, inspected.size)
    try:
        with transaction.atomic():
            # Uploads to one course take turns here, so two copies sent at once cannot both pass.
            list(Course.objects.select_for_update().filter(pk=course.pk).values_list("pk"))
            existing = selectors.material_with_content(course=course, sha256=material.sha256)
            if existing is not None:
                raise DuplicateMaterial(existing)
            material.save()
            notices.material_uploaded(course=course, title=material.title)
    except Exception:
        _delete_files([material.file.name])  # nothing half-saved: no row, no orphan file
        raise
    return material


def material_update(*, material: CourseMaterial, title: str) -> CourseMaterial:
    """The teacher renames a material. Only the title changes; students are not notified."""
    material.title = title
    material.save(update_fields=["title"])
    return material


@transaction.atomic
def material_delete(*, material: CourseMaterial) -> None:
    name = material.file.name
    material.delete()
    transaction.on_commit(lambda: _delete_files([name]))


def _delete_files(names: list[str]) -> None:
    storage = material_storage()
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("Could not delete material file %s", name)


@transaction.atomic
def feedback_submit(*, course: Course, student: User, rating: int, comment: str = "") -> tuple[Feedback, bool]:
    """Leave or edit the student's one feedback on the course. Returns (feedback, created)."""
    if not permissions.can_leave_feedback(student, course):
        raise PermissionDenied(_("Only students enrolled in this course can leave feedback."))
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Choose a rating from 1 to 5 stars.")})
    defaults = {"rating": rating, "comment": comment.strip()}
    try:
        with transaction.atomic():
            feedback, created = Feedback.objects.update_or_create(course=course, student=student, defaults=defaults)
    except IntegrityError:
        # A parallel first submission won the insert; ours becomes the edit.
        with transaction.atomic():
            feedback, created = Feedback.objects.update_or_create(course=course, student=student, defaults=defaults)
    if created:  # an edit is not news; the teacher sees it on the course page
        notices.feedback_left(course=course, student=student, rating=feedback.rating)
    return feedback, created
