"""Assignments of a course: quizzes and flashcard decks (generated from a PDF or written by
hand), the generation runs that make them, students' quiz submissions, teachers' model keys."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Course, CourseMaterial, material_storage


def source_path(instance, filename: str) -> str:
    # A random name in the private materials storage: the uploaded name is only ever shown.
    return f"assignment-sources/course-{instance.course_id}/{uuid.uuid4().hex}.pdf"


class Kind(models.TextChoices):
    QUIZ = "quiz", _("Quiz")
    FLASHCARDS = "flashcards", _("Flashcards")


class Generator(models.TextChoices):
    MANUAL = "manual", _("Written by hand")
    BASIC = "basic", _("Basic generator")
    MODEL = "model", _("Language model")


class Assignment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="assignments")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    generator = models.CharField(_("made by"), max_length=16, choices=Generator.choices, default=Generator.MANUAL)
    model_name = models.CharField(_("model"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=32, blank=True)
    # The PDF it was generated from, kept privately so one item can be regenerated later.
    source_file = models.FileField(
        _("source PDF"), storage=material_storage, upload_to=source_path, max_length=255, blank=True
    )
    source_name = models.CharField(_("source file name"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["course", "status"]),
            models.Index(fields=["status", "deadline"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="assignments_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("assignments:detail", args=[self.course_id, self.pk])

    @property
    def is_quiz(self) -> bool:
        return self.kind == Kind.QUIZ

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_past_deadline(self) -> bool:
        return self.deadline is not None and timezone.now() > self.deadline


class Item(models.Model):
    """What quiz questions and flashcards share: place in the assignment, source, review flags."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveIntegerField(_("order"), default=0)
    page = models.PositiveIntegerField(_("source page"), null=True, blank=True)
    quote = models.TextField(_("source quote"), max_length=2000, blank=True)
    # Review flags of the generator ("source_not_found", "duplicate", "repeated_options"); a
    # teacher's edit clears them.
    flags = models.JSONField(_("flags"), default=list, blank=True)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]


class Question(Item):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField(_("question"), max_length=2000)
    options = models.JSONField(_("options"), default=list)
    correct = models.PositiveSmallIntegerField(_("correct option"), default=0)

    class Meta(Item.Meta):
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [models.Index(fields=["assignment", "order"])]

    def __str__(self) -> str:
        return self.text[:80]


class Card(Item):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="cards")
    front = models.TextField(_("front"), max_length=2000)
    back = models.TextField(_("back"), max_length=2000)

    class Meta(Item.Meta):
        verbose_name = _("flashcard")
        verbose_name_plural = _("flashcards")
        indexes = [models.Index(fields=["assignment", "order"])]

    def __str__(self) -> str:
        return self.front[:80]


class GenerationRun(models.Model):
    """One "turn this PDF into a quiz" request, run by the task queue; drives the progress page."""

    class Stage(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        READING = "reading", _("Reading the PDF")
        ASKING = "asking", _("Writing the items")
        CHECKING = "checking", _("Checking the items against the PDF")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="generation_runs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="generation_runs"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    count = models.PositiveSmallIntegerField(_("items asked for"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    source_file = models.FileField(_("source PDF"), storage=material_storage, upload_to=source_path, max_length=255)
    source_name = models.CharField(_("source file name"), max_length=255)
    material = models.ForeignKey(
        CourseMaterial, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.QUEUED)
    error = models.TextField(_("error"), blank=True)
    error_code = models.CharField(_("error code"), max_length=64, blank=True)
    generator = models.CharField(_("generator"), max_length=16, choices=Generator.choices, blank=True)
    model_name = models.CharField(_("model"), max_length=200, blank=True)
    prompt_tokens = models.PositiveIntegerField(_("prompt tokens"), default=0)
    completion_tokens = models.PositiveIntegerField(_("completion tokens"), default=0)
    assignment = models.OneToOneField(
        Assignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="generation_run"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("generation run")
        verbose_name_plural = _("generation runs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_by", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.source_name} ({self.stage})"

    def get_absolute_url(self) -> str:
        return reverse("assignments:run", args=[self.course_id, self.pk])

    @property
    def is_finished(self) -> bool:
        return self.stage in (self.Stage.DONE, self.Stage.FAILED)

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class Submission(models.Model):
    """A student's one answer sheet for a quiz, scored by the server."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="submissions")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_submissions"
    )
    answers = models.JSONField(_("answers"), default=list)  # chosen option index per question
    score = models.PositiveIntegerField(_("score"))
    total = models.PositiveIntegerField(_("out of"))
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "student"], name="assignments_one_submission"),
            models.CheckConstraint(condition=models.Q(score__lte=models.F("total")), name="assignments_score_le_total"),
        ]
        indexes = [models.Index(fields=["assignment", "-submitted_at"])]

    def __str__(self) -> str:
        return f"{self.student} on {self.assignment}: {self.score}/{self.total}"

    @property
    def percent(self) -> int:
        return round(100 * self.score / self.total) if self.total else 0

    @property
    def is_late(self) -> bool:
        """After the deadline as it stands now (submissions are refused after it, but a teacher
        may move the deadline earlier later)."""
        deadline = self.assignment.deadline
        return deadline is not None and self.submitted_at > deadline


class ModelApiKey(models.Model):
    """A teacher's own key for the model server, encrypted at rest (see ``keys.py``)."""

    teacher = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="model_api_key"
    )
    encrypted = models.BinaryField(_("encrypted key"))
    last4 = models.CharField(_("ends with"), max_length=4)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("personal model API key")
        verbose_name_plural = _("personal model API keys")

    def __str__(self) -> str:
        return f"…{self.last4} ({self.teacher})"

    @property
    def masked(self) -> str:
        return f"••••••••{self.last4}"
