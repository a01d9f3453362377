"""In-app notifications, each with the state of its e-mail copy."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import kinds


def is_site_path(link: str) -> bool:
    """Whether ``link`` is a path on this site ("/courses/3/"), never another host."""
    return (
        link.startswith("/")
        and not link.startswith("//")
        and "\\" not in link
        and not any(ord(char) < 32 for char in link)
    )


def validate_site_path(link: str) -> None:
    if link and not is_site_path(link):
        raise ValidationError(_("Use a path on this site that starts with /."), code="not_site_path")


class Notification(models.Model):
    class EmailStatus(models.TextChoices):
        NONE = "none", _("Not e-mailed")  # no address, or the recipient turned e-mail off
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    # A kind registered by the app that owns the event (``notifications.kinds``).
    type = models.CharField(_("kind"), max_length=32)
    title = models.CharField(_("title"), max_length=200)
    message = models.TextField(_("message"), blank=True)
    # A path inside the site ("/courses/3/"); the views never redirect anywhere else.
    link = models.CharField(_("link"), max_length=500, blank=True, validators=[validate_site_path])
    is_read = models.BooleanField(_("read"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    email_status = models.CharField(
        _("e-mail status"), max_length=16, choices=EmailStatus.choices, default=EmailStatus.NONE
    )
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_error = models.TextField(_("last e-mail error"), blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    email_retry_at = models.DateTimeField(_("next e-mail attempt"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The navbar badge: COUNT(*) WHERE recipient_id = %s AND is_read = false, on every page.
            models.Index(fields=["recipient", "is_read"], name="notif_recipient_unread"),
            # The notification centre: newest first for one recipient.
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email_status__in=["none", "pending", "sent", "failed"]),
                name="notifications_email_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("notifications:centre")

    @property
    def kind(self) -> kinds.Kind:
        return kinds.get(self.type)

    @property
    def icon(self) -> str:
        """The Bootstrap Icons name shown beside the notification."""
        return self.kind.icon
