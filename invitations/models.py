"""Invitations to join the site (one person, or a class from a spreadsheet) and course join links.

An invitation's link carries a token that the database never holds: the row keeps a random
128-bit ``token_nonce`` and the SHA-256 ``token_hash`` of the token; the token itself is an HMAC
of the nonce under the site's secret key (see ``invitations.tokens``). A leaked database thus
reveals no usable link, while the background worker and the "copy link" button can still
rebuild the current link. Resending draws a new nonce: the old link dies.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    """One bulk upload: the validated rows (JSON) between preview and confirm, then the report.

    Nothing but this row is written before the teacher confirms; the rows are bounded by
    ``INVITATIONS_IMPORT_MAX_ROWS``.
    """

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Previewed")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitation_imports"
    )
    source = models.CharField(_("source"), max_length=255, help_text=_("File name, or “pasted list”."))
    # A pasted list may give bare addresses; a file's rows must name the person.
    names_optional = models.BooleanField(default=False)
    description = models.CharField(_("read as"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PREVIEW)
    # [{"line", "full_name", "email", "user_type", "course_code"}]: what the file said.
    rows = models.JSONField(_("rows"), default=list)
    # [{"line", "action", "reason", "invitation_id"}]: the outcome per row, set at confirm.
    results = models.JSONField(_("results"), default=list)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation import")
        verbose_name_plural = _("invitation imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.source} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("invitations:bulk_detail", args=[self.pk])


class Invitation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        # Stored only when a newer invitation to the same address replaces an expired one;
        # otherwise "expired" is a pending row past ``expires_at`` (see ``effective_status``).
        EXPIRED = "expired", _("Expired")

    class EmailStatus(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Not delivered")

    class Role(models.TextChoices):
        STUDENT = "student", _("Student")
        TEACHER = "teacher", _("Teacher")

    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="invitations_sent",
        verbose_name=_("invited by"),
    )
    email = models.EmailField(_("e-mail"), max_length=254)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.STUDENT)
    course = models.ForeignKey(
        "courses.Course",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("course"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    token_nonce = models.CharField(max_length=32, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    times_sent = models.PositiveIntegerField(_("times sent"), default=0)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    email_status = models.CharField(
        _("e-mail"), max_length=16, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_error = models.TextField(_("last e-mail error"), blank=True)
    email_retry_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
        verbose_name=_("accepted by"),
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    import_batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("import"),
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open invitation per inviter and address: double clicks, parallel uploads.
            models.UniqueConstraint(
                "invited_by",
                Lower("email"),
                condition=models.Q(status="pending"),
                name="invitations_one_pending_per_inviter_email",
                violation_error_message=_("You have already invited this address."),
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["student", "teacher"]), name="invitations_role_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="accepted") | models.Q(accepted_at__isnull=False),
                name="invitations_accepted_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["invited_by", "-created_at"]),
            models.Index(fields=["email_status"]),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.PENDING and self.expires_at <= timezone.now()

    @property
    def effective_status(self) -> str:
        return self.Status.EXPIRED if self.is_expired else self.status

    def get_effective_status_display(self) -> str:
        return self.Status(self.effective_status).label

    @property
    def is_open(self) -> bool:
        """The link works: pending and not past its expiry."""
        return self.status == self.Status.PENDING and not self.is_expired


class JoinLink(models.Model):
    """A course's join link and short code; turning it off or resetting kills the old one."""

    course = models.OneToOneField("courses.Course", on_delete=models.CASCADE, related_name="join_link")
    code = models.CharField(_("code"), max_length=16, unique=True)
    is_active = models.BooleanField(_("on"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("join link")
        verbose_name_plural = _("join links")
        ordering = ["course"]

    def __str__(self) -> str:
        return f"{self.code} → {self.course}"

    def get_absolute_url(self) -> str:
        return reverse("join", args=[self.code])


class DailySendCount(models.Model):
    """Invitation e-mails an inviter queued on one (UTC) day: the daily cap, race-free."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("daily invitation count")
        verbose_name_plural = _("daily invitation counts")
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="invitations_daily_unique")]

    def __str__(self) -> str:
        return f"{self.user} {self.day}: {self.count}"
