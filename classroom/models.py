"""The live classroom's stored state: chat messages, whiteboard actions, draw permissions, presence."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

CHAT_MAX_LENGTH = 5000


class Classroom(models.Model):
    """Per-course classroom settings the teacher changes during a lesson (created on first use)."""

    course = models.OneToOneField(
        "courses.Course", on_delete=models.CASCADE, primary_key=True, related_name="classroom"
    )
    students_may_draw = models.BooleanField(_("all students may draw"), default=False)
    drawers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("students allowed to draw"),
    )

    class Meta:
        verbose_name = _("classroom")
        verbose_name_plural = _("classrooms")

    def __str__(self) -> str:
        return str(self.course)

    def get_absolute_url(self) -> str:
        return reverse("classroom:room", args=[self.course_id])


class ChatMessage(models.Model):
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="chat_messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("message"), max_length=CHAT_MAX_LENGTH)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        ordering = ["id"]
        indexes = [models.Index(fields=["course", "id"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(body=""), name="classroom_chat_body_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class WhiteboardAction(models.Model):
    """One finished element on a course's board (a stroke, line or text), in drawing order.

    ``data`` holds the validated client-facing fields (see ``classroom.events``); a board keeps at
    most ``CLASSROOM_BOARD_MAX_ACTIONS`` rows, the oldest are deleted first.
    """

    course = models.ForeignKey(
        "courses.Course", on_delete=models.CASCADE, related_name="whiteboard_actions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("whiteboard action")
        verbose_name_plural = _("whiteboard actions")
        ordering = ["id"]
        indexes = [models.Index(fields=["course", "id"]), models.Index(fields=["course", "author", "id"])]

    def __str__(self) -> str:
        return f"{self.data.get('tool', '?')} #{self.pk} on {self.course_id}"


class Presence(models.Model):
    """One open classroom socket. Rows are refreshed by a heartbeat and expire when it stops,
    so the online list heals itself after a server process crashes."""

    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel_name = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("presence")
        verbose_name_plural = _("presences")
        indexes = [models.Index(fields=["course", "seen_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.course_id}"
