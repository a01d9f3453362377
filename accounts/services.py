"""Writes to accounts: creating users, editing profiles, blocking, status updates."""

from __future__ import annotations

import hashlib
import logging
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from elearning.ratelimit import window_allows

from . import photos, signals, tasks
from .photos import CheckedPhoto
from .models import StatusUpdate, User

logger = logging.getLogger(__name__)

EMAIL_TAKEN = gettext_lazy("An account with this e-mail address already exists.")


def _delete_file_on_commit(field_file) -> None:
    """Remove a replaced photo from storage once the new one is safely saved."""
    if field_file:
        storage, name = field_file.storage, field_file.name
        transaction.on_commit(lambda: storage.delete(name))


def _reencode(photo: CheckedPhoto) -> ContentFile:
    try:
        return photos.reencode(photo)
    except ValidationError as error:
        raise ValidationError({"photo": error.error_list}) from None


def user_create(
    *,
    username: str,
    email: str,
    password: str,
    role: str,
    full_name: str = "",
    photo: CheckedPhoto | None = None,
) -> User:
    user = User(username=username, email=email, role=role, full_name=full_name)
    user.set_password(password)
    if photo is not None:
        image = _reencode(photo)  # the decode, now that the rest of the form is valid
        user.photo.save(image.name, image, save=False)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # A parallel sign-up took the name or address between form validation and now.
        if user.photo:
            user.photo.storage.delete(user.photo.name)
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": _("A user with that username already exists.")})
        raise ValidationError({"email": EMAIL_TAKEN}) from None
    return user


@transaction.atomic
def user_update_profile(
    *,
    user: User,
    full_name: str,
    email: str,
    bio: str,
    photo: CheckedPhoto | None = None,
    remove_photo: bool = False,
) -> User:
    image = _reencode(photo) if photo is not None else None
    user.full_name = full_name
    user.email = email
    user.bio = bio
    if image is not None or remove_photo:
        _delete_file_on_commit(user.photo)
        user.photo = None
    if image is not None:
        user.photo.save(image.name, image, save=False)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        if photo is not None:
            user.photo.storage.delete(user.photo.name)
        raise ValidationError({"email": EMAIL_TAKEN}) from None
    return user


@transaction.atomic
def user_set_blocked(*, user: User, blocked: bool) -> bool:
    """Block or unblock an account: THE way to do it (admin action, admin form, code).

    A blocked user's sessions end at their next request (``BlockedUserMiddleware``), and the
    apps above close their open sockets once this commits (``signals.user_blocked``). Returns
    whether anything changed."""
    changed = User.objects.filter(pk=user.pk).exclude(is_blocked=blocked).update(is_blocked=blocked) == 1
    user.is_blocked = blocked
    if changed and blocked:
        signals.user_blocked.send(sender=User, user=user)
    return changed


def password_reset_request(*, email: str, client: str) -> bool:
    """Queue a reset e-mail for ``email`` after the commit, unless the address already had
    ``PASSWORD_RESET_PER_ADDRESS`` of them this hour (then nothing is sent, and the page says
    the same). Returns whether one was queued. The per-client limit is the view's, which can
    answer 429 without telling anything about the address."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    if not window_allows(f"pwreset:address:{digest}", limit=settings.PASSWORD_RESET_PER_ADDRESS, seconds=3600):
        return False
    transaction.on_commit(partial(_enqueue_reset, email))
    return True


def _enqueue_reset(email: str) -> None:
    try:
        tasks.send_password_reset.enqueue(email)
    except Exception:  # noqa: BLE001 - the page already said "sent"; nothing to undo
        logger.exception("could not queue a password reset e-mail")


def status_update_post(*, user: User, text: str) -> StatusUpdate:
    """Post the user's status; it replaces the one they had (one row per user) and runs 24 hours
    from now. Parallel posts are safe: the unique user column lets one insert win and the
    others update it."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write something first.")})
    status, _created = StatusUpdate.objects.update_or_create(
        user=user, defaults={"text": text, "created_at": timezone.now()}
    )
    return status


def status_update_delete(*, user: User) -> bool:
    """Take the user's own status down. Returns whether there was an active one to remove."""
    statuses = StatusUpdate.objects.filter(user=user)
    was_active = statuses.active().exists()
    statuses.delete()
    return was_active
