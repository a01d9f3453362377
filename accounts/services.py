"""Writes to accounts: creating users, editing profiles, blocking."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import User

EMAIL_TAKEN = _("An account with this e-mail address already exists.")


def _delete_file_on_commit(field_file) -> None:
    """Remove a replaced photo from storage once the new one is safely saved."""
    if field_file:
        storage, name = field_file.storage, field_file.name
        transaction.on_commit(lambda: storage.delete(name))


def user_create(
    *,
    username: str,
    email: str,
    password: str,
    role: str,
    full_name: str = "",
    photo: ContentFile | None = None,
) -> User:
    user = User(username=username, email=email, role=role, full_name=full_name)
    user.set_password(password)
    if photo is not None:
        user.photo.save(photo.name, photo, save=False)
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
    photo: ContentFile | None = None,
    remove_photo: bool = False,
) -> User:
    user.full_name = full_name
    user.email = email
    user.bio = bio
    if photo is not None or remove_photo:
        _delete_file_on_commit(user.photo)
        user.photo = None
    if photo is not None:
        user.photo.save(photo.name, photo, save=False)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        if photo is not None:
            user.photo.storage.delete(user.photo.name)
        raise ValidationError({"email": EMAIL_TAKEN}) from None
    return user


@transaction.atomic
def user_set_blocked(*, user: User, blocked: bool) -> User:
    """Block or unblock an account; a blocked user's sessions end at their next request, and
    their open live-classroom sockets close at once."""
    if user.is_blocked != blocked:
        user.is_blocked = blocked
        user.save(update_fields=["is_blocked"])
        if blocked:
            _close_classrooms(user)
    return user


def _close_classrooms(user: User) -> None:
    # Imported here: accounts sits below courses and classroom, which import it.
    from classroom.services import classroom_kick
    from courses.selectors import course_ids_of

    for course_id in course_ids_of(user=user):
        classroom_kick(course_id=course_id, user_id=user.pk)
