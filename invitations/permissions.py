"""Who may invite whom, and manage which invitations and join links."""

from __future__ import annotations

from django.conf import settings

from accounts.permissions import is_site_admin, is_teacher
from courses.models import Course

from .models import ImportBatch, Invitation


def can_invite(user) -> bool:
    return is_teacher(user) or (is_site_admin(user) and not user.is_blocked)


def invitable_roles(user) -> list[str]:
    """Teachers invite students (and teachers when the site allows it); admins invite anyone."""
    if not can_invite(user):
        return []
    if is_site_admin(user) or settings.INVITATIONS_TEACHERS_INVITE_TEACHERS:
        return [Invitation.Role.STUDENT, Invitation.Role.TEACHER]
    return [Invitation.Role.STUDENT]


def can_invite_role(user, role: str) -> bool:
    return role in invitable_roles(user)


def can_invite_to_course(user, course: Course) -> bool:
    """The course of an invitation is one of the inviter's own (admins: any course)."""
    return can_invite(user) and (course.teacher_id == user.pk or is_site_admin(user))


def can_manage_invitation(user, invitation: Invitation) -> bool:
    """Resend, revoke, copy the link: the inviter only (admins use the Django admin)."""
    return can_invite(user) and invitation.invited_by_id == user.pk


def can_manage_import(user, batch: ImportBatch) -> bool:
    return can_invite(user) and batch.created_by_id == user.pk


def has_daily_cap(user) -> bool:
    return not is_site_admin(user)


def can_manage_join_link(user, course: Course) -> bool:
    return is_teacher(user) and course.teacher_id == user.pk


def can_share_courses(user) -> bool:
    """The join links page: teachers (of their own courses)."""
    return is_teacher(user)
