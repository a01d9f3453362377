"""Who may do what with accounts; views, templates and consumers ask here."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from .models import User


def is_teacher(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.role == User.Role.TEACHER and not user.is_blocked


def is_student(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.role == User.Role.STUDENT and not user.is_blocked


def is_site_admin(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.is_staff


def can_log_in(user: User) -> bool:
    return user.is_active and not user.is_blocked
