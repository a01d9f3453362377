"""Courses, who is in them (enrollments, per-course blocks), their materials and feedback."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

course_code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_-]{2,31}$",
    _("Use 3 to 32 letters, digits, hyphens or underscores, starting with a letter or digit."),
    code="invalid_code",
)


class Course(models.Model):
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="courses_taught",
        verbose_name=_("teacher"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    code = models.CharField(
        _("code"),
        max_length=32,
        validators=[course_code_validator],
        help_text=_("A short unique code students can search for, e.g. MATH-7B."),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_(
            "Untick to close the course: it leaves the catalogue and becomes read-only to its enrolled "
            "students (no classroom, new feedback or submissions)."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                Upper("code"),
                name="courses_course_code_ci_unique",
                violation_error_message=_("Another course already uses this code."),
            ),
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="courses_course_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]
        indexes = [models.Index(fields=["is_active", "title"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("courses:detail", args=[self.pk])


class Enrollment(models.Model):
    """A student in a course. Leaving keeps the row (inactive) so re-joining reactivates it."""

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    is_active = models.BooleanField(_("active"), default=True)
    enrolled_at = models.DateTimeField(_("enrolled"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        ordering = ["-enrolled_at"]
        constraints = [
            models.UniqueConstraint(fields=["student", "course"], name="courses_enrollment_unique"),
        ]
        indexes = [models.Index(fields=["course", "is_active"])]

    def __str__(self) -> str:
        return f"{self.student} in {self.course}"


class CourseBlock(models.Model):
    """A student the course's teacher has blocked: they cannot join or open the course."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="blocks")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_blocks"
    )
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("course block")
        verbose_name_plural = _("course blocks")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["course", "student"], name="courses_block_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.student} blocked from {self.course}"


def material_storage():
    """The private storage of material files (STORAGES["materials"]; never served by URL)."""
    return storages["materials"]


def material_path(material: "CourseMaterial", filename: str) -> str:
    # A random name: the uploaded name is only ever shown, never used as a path.
    suffix = PurePosixPath(filename).suffix.lower()
    return f"course-{material.course_id}/{uuid.uuid4().hex}{suffix}"


class CourseMaterial(models.Model):
    """A file the teacher shares with the course: a document, image, audio or video."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document")
        IMAGE = "image", _("Image")
        AUDIO = "audio", _("Audio")
        VIDEO = "video", _("Video")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("file"), storage=material_storage, upload_to=material_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    # Of the content, computed while the file is written: the same file uploaded twice is refused.
    # Empty only for a row whose file could not be read when the column was added.
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("course material")
        verbose_name_plural = _("course materials")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["course", "-created_at"]),
            models.Index(fields=["course", "sha256"], name="courses_material_sha256"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:material_download", args=[self.course_id, self.pk])

    @property
    def opens_in_browser(self) -> bool:
        """Images, audio, video and PDFs can be shown in a tab; other documents are downloaded."""
        return self.kind != self.Kind.DOCUMENT or self.content_type == "application/pdf"


class Feedback(models.Model):
    """A student's rating of a course: one per student and course, editable."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="feedback")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback_given"
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "student"], name="courses_feedback_unique"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5),
                name="courses_feedback_rating_1_to_5",
                violation_error_message=_("The rating must be between 1 and 5."),
            ),
        ]
        indexes = [models.Index(fields=["course", "-updated_at"])]

    def __str__(self) -> str:
        return f"{self.rating}/5 by {self.student} for {self.course}"
