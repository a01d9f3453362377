"""The site's user: Django's user plus a role, a display name, a bio, a photo and a block flag."""

import datetime
import uuid

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def avatar_upload_to(instance: "User", filename: str) -> str:
    """Photos get a random name: the uploader's file name never reaches the disk."""
    return f"avatars/{uuid.uuid4().hex}.jpg"


def display_name_of(*, username: str, full_name: str = "", first_name: str = "", last_name: str = "") -> str:
    """The name shown for a user: ``User.display_name``, for reads that fetch plain values."""
    return full_name or f"{first_name} {last_name}".strip() or username


def initial_of(display_name: str) -> str:
    """The letter of the fallback avatar (``User.initial``), for reads that fetch plain values."""
    return (display_name[:1] or "?").upper()


def photo_url_of(photo_name: str) -> str:
    """The URL of a stored photo by its file name ("" for none): ``User.photo.url`` for reads
    that fetch plain values (the classroom's online list)."""
    return User._meta.get_field("photo").storage.url(photo_name) if photo_name else ""


class User(AbstractUser):
    class Role(models.TextChoices):
        STUDENT = "student", _("Student")
        TEACHER = "teacher", _("Teacher")

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.STUDENT)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    bio = models.TextField(_("bio"), max_length=2000, blank=True)
    photo = models.ImageField(_("photo"), upload_to=avatar_upload_to, blank=True)
    is_blocked = models.BooleanField(
        _("blocked"),
        default=False,
        help_text=_("Blocked users cannot log in; they are told their account is blocked."),
    )
    email_notifications = models.BooleanField(
        _("e-mail me my notifications"),
        default=True,
        help_text=_("Every notification is also sent to your e-mail address."),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["student", "teacher"]), name="accounts_user_role_valid"
            ),
            models.UniqueConstraint(
                Lower("username"),
                name="accounts_user_username_ci_unique",
                violation_error_message=_("A user with that username already exists."),
            ),
            # One account per e-mail address, whatever its case; blank addresses (admin-made
            # accounts) are allowed more than once.
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_email_ci_unique",
                violation_error_message=_("An account with this e-mail address already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return display_name_of(username=self.username, full_name=self.full_name, first_name=self.first_name, last_name=self.last_name)

    @property
    def initial(self) -> str:
        """The letter shown in the fallback avatar."""
        return initial_of(self.display_name)

    @property
    def photo_url(self) -> str:
        return self.photo.url if self.photo else ""

    @property
    def is_teacher(self) -> bool:
        return self.role == self.Role.TEACHER

    @property
    def is_student(self) -> bool:
        return self.role == self.Role.STUDENT

    @property
    def role_label(self) -> str:
        """The role a person is shown as everywhere: staff are "Admin" whatever their role."""
        return str(_("Admin")) if self.is_staff else self.get_role_display()


STATUS_UPDATE_MAX_LENGTH = 280
# How long a status stays up. Expiry is a filter on ``created_at`` (``StatusUpdate.objects.active()``),
# so nothing has to run for a status to disappear.
STATUS_UPDATE_LIFETIME = datetime.timedelta(hours=24)


class StatusUpdateQuerySet(models.QuerySet):
    def active(self, *, now: datetime.datetime | None = None) -> "StatusUpdateQuerySet":
        """Statuses posted in the last 24 hours."""
        return self.filter(created_at__gt=(now or timezone.now()) - STATUS_UPDATE_LIFETIME)


class StatusUpdate(models.Model):
    """A short line a user shares with the people in their courses: one per user, for 24 hours."""

    # One row per user (the OneToOne's unique index): posting again replaces the text, so two
    # parallel posts can never leave two active statuses.
    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="status_update", verbose_name=_("user")
    )
    text = models.CharField(_("status"), max_length=STATUS_UPDATE_MAX_LENGTH)
    created_at = models.DateTimeField(_("posted"), default=timezone.now, db_index=True)

    objects = StatusUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("status update")
        verbose_name_plural = _("status updates")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(text=""),
                name="accounts_statusupdate_text_not_empty",
                violation_error_message=_("Write something first."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.text[:50]}"

    @property
    def expires_at(self) -> datetime.datetime:
        return self.created_at + STATUS_UPDATE_LIFETIME

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()
