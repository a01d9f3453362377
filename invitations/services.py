"""Writes of invitations: invite, resend, revoke, accept; bulk preview and confirm; join links.

E-mails leave through the task queue after the commit (``tasks.email_enqueue``); the daily cap
is taken in the same transaction as the invitations it counts, so a refused request writes
nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import user_create
from courses import permissions as course_permissions
from courses.models import Course
from courses.services import EnrollmentError, enrollment_enroll, roster_add_student

from . import bulk, notices, permissions, tokens
from .importing import ParsedFile
from .models import DailySendCount, ImportBatch, Invitation, JoinLink
from .tasks import email_enqueue

logger = logging.getLogger(__name__)


class QuotaExceeded(ValidationError):
    """The inviter's daily cap would be passed; the message says how many are left."""


class InvitationClosed(Exception):
    """The invitation was accepted, revoked or expired meanwhile (or never existed)."""


def _expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_EXPIRY_DAYS)


def _emails_on_commit(ids: list[int]) -> None:
    if ids:
        transaction.on_commit(partial(email_enqueue, ids))


# --- Daily cap ------------------------------------------------------------------------------


def quota_remaining(*, user) -> int | None:
    """Invitation e-mails ``user`` may still send today (None: no cap)."""
    if not permissions.has_daily_cap(user):
        return None
    used = (
        DailySendCount.objects.filter(user=user, day=timezone.now().date()).values_list("count", flat=True).first()
        or 0
    )
    return max(0, settings.INVITATIONS_DAILY_CAP - used)


def _quota_take(*, user, count: int) -> None:
    """Count ``count`` e-mails against today's cap, or raise ``QuotaExceeded`` (nothing taken).
    A conditional UPDATE: two parallel uploads cannot both squeeze under the cap."""
    if count <= 0 or not permissions.has_daily_cap(user):
        return
    cap = settings.INVITATIONS_DAILY_CAP
    with transaction.atomic():
        row, _created = DailySendCount.objects.get_or_create(user=user, day=timezone.now().date())
    if DailySendCount.objects.filter(pk=row.pk, count__lte=cap - count).update(count=F("count") + count):
        return
    left = max(0, cap - DailySendCount.objects.get(pk=row.pk).count)
    raise QuotaExceeded(
        _(
            "You can send %(cap)s invitations a day; %(left)s are left for today and this needs "
            "%(count)s. Try again tomorrow or ask an administrator."
        )
        % {"cap": cap, "left": left, "count": count},
        code="quota",
    )


# --- One invitation -------------------------------------------------------------------------


def _supersede_expired(*, invited_by, emails: list[str]) -> None:
    """Pending rows past their expiry give way to a new invitation to the same address (one
    pending invitation per inviter and address is a database constraint)."""
    lowered = [email.lower() for email in emails]
    for start in range(0, len(lowered), bulk.CHUNK):
        Invitation.objects.annotate(lower_email=Lower("email")).filter(
            invited_by=invited_by,
            status=Invitation.Status.PENDING,
            expires_at__lte=timezone.now(),
            lower_email__in=lowered[start : start + bulk.CHUNK],
        ).update(status=Invitation.Status.EXPIRED)


@transaction.atomic
def invitation_invite(
    *, invited_by: User, email: str, full_name: str, role: str, course: Course | None = None
) -> tuple[str, Invitation | User]:
    """Invite one person, or enroll them when they already have an account and a course is
    given. Returns ``("invite", invitation)`` or ``("enroll", user)``; a refusal is a
    ``ValidationError`` saying why."""
    if not permissions.can_invite(invited_by):
        raise PermissionDenied
    row = {
        "line": 1,
        "full_name": full_name,
        "email": email,
        "user_type": role,
        "course_code": course.code if course else "",
    }
    [outcome] = bulk.classify(user=invited_by, rows=[row])
    if outcome.action in (bulk.ERROR, bulk.SKIP):
        if outcome.action == bulk.SKIP and outcome.user_id and course is None:
            raise ValidationError(
                _("%(email)s already has an account. Choose a course to add them to it instead.")
                % {"email": outcome.email},
                code="has_account",
            )
        raise ValidationError(outcome.reason, code=outcome.action)
    if outcome.action == bulk.ENROLL:
        student = User.objects.get(pk=outcome.user_id)
        roster_add_student(course=course, student=student)
        return bulk.ENROLL, student
    _quota_take(user=invited_by, count=1)
    _supersede_expired(invited_by=invited_by, emails=[outcome.email])
    invitation = Invitation(
        invited_by=invited_by,
        email=outcome.email,
        full_name=outcome.full_name,
        role=outcome.user_type,
        course=course,
        expires_at=_expiry(),
        **tokens.new_token_fields(),
    )
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:  # a double click: the other request made it
        raise ValidationError(_("You have already invited this address."), code="duplicate") from None
    _emails_on_commit([invitation.pk])
    return bulk.INVITE, invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation) -> Invitation:
    """A new link (the old one dies), a new expiry, and the e-mail again."""
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError(_("Only pending invitations can be sent again."), code="not_pending")
    _quota_take(user=invitation.invited_by, count=1)
    fields = {
        **tokens.new_token_fields(),
        "expires_at": _expiry(),
        "email_status": Invitation.EmailStatus.PENDING,
        "email_error": "",
        "email_retry_at": None,
    }
    if not Invitation.objects.filter(pk=invitation.pk, status=Invitation.Status.PENDING).update(**fields):
        raise ValidationError(_("Only pending invitations can be sent again."), code="not_pending")
    for name, value in fields.items():
        setattr(invitation, name, value)
    _emails_on_commit([invitation.pk])
    return invitation


def invitation_revoke(*, invitation: Invitation) -> bool:
    """The link stops working at once. Returns whether the invitation was pending."""
    revoked = Invitation.objects.filter(pk=invitation.pk, status=Invitation.Status.PENDING).update(
        status=Invitation.Status.REVOKED
    )
    if revoked:
        invitation.status = Invitation.Status.REVOKED
    return bool(revoked)


# --- Accepting ------------------------------------------------------------------------------


def _claim(invitation: Invitation, user: User) -> None:
    """Mark the invitation accepted, once: of parallel accepts exactly one gets past this
    conditional UPDATE (PostgreSQL re-checks the condition after the row lock; SQLite's
    IMMEDIATE transactions run one at a time)."""
    now = timezone.now()
    claimed = Invitation.objects.filter(
        pk=invitation.pk, status=Invitation.Status.PENDING, expires_at__gt=now
    ).update(status=Invitation.Status.ACCEPTED, accepted_at=now, accepted_by=user)
    if not claimed:
        raise InvitationClosed
    invitation.status, invitation.accepted_at, invitation.accepted_by = Invitation.Status.ACCEPTED, now, user


def _enroll(invitation: Invitation, user: User) -> str | None:
    """Put the new member in the invitation's course; returns why not, if they could not be."""
    if invitation.course is None:
        return None
    if not user.is_student:
        return _("Teacher accounts are not enrolled in courses.")
    if course_permissions.is_closed(invitation.course):  # said to the student, not the teacher's words
        return course_permissions.CLOSED
    try:
        roster_add_student(course=invitation.course, student=user)
    except EnrollmentError as refusal:
        return str(refusal)
    return None


@transaction.atomic
def invitation_accept_new(*, invitation: Invitation, username: str, password: str) -> tuple[User, str | None]:
    """Create the invited person's account (e-mail and role from the invitation). Raises
    ``InvitationClosed`` when another request accepted it first, ``ValidationError`` when the
    username is taken (the invitation stays open)."""
    _claim(invitation, None)
    user = user_create(
        username=username,
        email=invitation.email,
        password=password,
        role=invitation.role,
        full_name=invitation.full_name,
    )
    Invitation.objects.filter(pk=invitation.pk).update(accepted_by=user)
    invitation.accepted_by = user
    refusal = _enroll(invitation, user)
    notices.invitation_accepted(invitation=invitation, user=user)
    return user, refusal


@transaction.atomic
def invitation_accept_existing(*, invitation: Invitation, user: User) -> str | None:
    """The invited address already has an account and its owner is signed in: enroll them."""
    if (user.email or "").lower() != invitation.email.lower():
        raise PermissionDenied(_("This invitation is for another e-mail address."))
    _claim(invitation, user)
    refusal = _enroll(invitation, user)
    notices.invitation_accepted(invitation=invitation, user=user)
    return refusal


# --- Bulk -----------------------------------------------------------------------------------


def import_preview(*, user: User, parsed: ParsedFile, source: str) -> ImportBatch:
    """Keep the rows read from a file (or a pasted list) for the confirm step. Writes nothing
    but this one row; the preview page asks ``bulk.classify`` for each row's fate."""
    if not permissions.can_invite(user):
        raise PermissionDenied
    rows = [{"line": row.line, **row.values, **({"error": row.error} if row.error else {})} for row in parsed.rows]
    return ImportBatch.objects.create(
        created_by=user,
        source=source[:255],
        rows=rows,
        names_optional=parsed.kind == "list",
        description=parsed.description[:100],
    )


@transaction.atomic
def import_confirm(*, batch: ImportBatch, user: User) -> ImportBatch:
    """Do what the preview said, as the database is now: create the invitations (their e-mails
    go out in the background), enroll the existing students, and keep the outcome per row."""
    if not permissions.can_manage_import(user, batch):
        raise PermissionDenied
    now = timezone.now()
    if not ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEW).update(
        status=ImportBatch.Status.CONFIRMED, confirmed_at=now
    ):
        raise ValidationError(_("This import has already been confirmed."), code="confirmed")
    outcomes = bulk.classify(user=user, rows=batch.rows, names_optional=batch.names_optional)
    to_invite = [outcome for outcome in outcomes if outcome.action == bulk.INVITE]
    _quota_take(user=user, count=len(to_invite))
    _supersede_expired(invited_by=user, emails=[outcome.email for outcome in to_invite])
    courses = {course.pk: course for course in Course.objects.filter(pk__in={o.course_id for o in outcomes if o.course_id})}
    expires = _expiry()
    try:
        with transaction.atomic():
            created = Invitation.objects.bulk_create(
                Invitation(
                    invited_by=user,
                    email=outcome.email,
                    full_name=outcome.full_name,
                    role=outcome.user_type,
                    course=courses.get(outcome.course_id),
                    expires_at=expires,
                    import_batch=batch,
                    **tokens.new_token_fields(),
                )
                for outcome in to_invite
            )
    except IntegrityError:
        raise ValidationError(
            _("Some of these people were invited meanwhile. Upload the list again to see the new preview."),
            code="changed",
        ) from None
    invitation_ids = {}
    for outcome, invitation in zip(to_invite, created):
        invitation_ids[outcome.line] = invitation.pk
    students = User.objects.in_bulk([o.user_id for o in outcomes if o.action == bulk.ENROLL])
    results = []
    for outcome in outcomes:
        result = {"line": outcome.line, "full_name": outcome.full_name, "email": outcome.email,
                  "user_type": outcome.user_type, "course_code": outcome.course_code,
                  "action": outcome.action, "reason": outcome.reason}
        if outcome.action == bulk.INVITE:
            result["invitation_id"] = invitation_ids[outcome.line]
        elif outcome.action == bulk.ENROLL:
            try:
                roster_add_student(course=courses[outcome.course_id], student=students[outcome.user_id])
            except EnrollmentError as refusal:
                result.update(action=bulk.ERROR, reason=str(refusal))
        results.append(result)
    batch.status, batch.confirmed_at, batch.results = ImportBatch.Status.CONFIRMED, now, results
    ImportBatch.objects.filter(pk=batch.pk).update(results=results)
    _emails_on_commit([invitation.pk for invitation in created])
    return batch


def import_cancel(*, batch: ImportBatch) -> bool:
    return bool(
        ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEW).update(
            status=ImportBatch.Status.CANCELLED
        )
    )


def import_purge(*, older_than: timedelta) -> int:
    """Delete uploads never confirmed (previews, cancelled) older than ``older_than``: their
    rows are personal data kept only for the confirm step."""
    cutoff = timezone.now() - older_than
    deleted, _rows = ImportBatch.objects.filter(
        status__in=[ImportBatch.Status.PREVIEW, ImportBatch.Status.CANCELLED], created_at__lt=cutoff
    ).delete()
    return deleted


# --- Join links -----------------------------------------------------------------------------


def _fresh_code_save(link: JoinLink) -> JoinLink:
    for _attempt in range(5):
        link.code = tokens.new_join_code()
        try:
            with transaction.atomic():
                link.save()
            return link
        except IntegrityError:
            if JoinLink.objects.filter(course=link.course).exclude(pk=link.pk).exists():
                return JoinLink.objects.get(course=link.course)  # a parallel click made it
    raise RuntimeError("could not draw an unused join code")


def join_link_enable(*, course: Course, by: User) -> JoinLink:
    link = JoinLink.objects.filter(course=course).first()
    if link is None:
        return _fresh_code_save(JoinLink(course=course, created_by=by, is_active=True))
    if not link.is_active:
        link.is_active = True
        link.save(update_fields=["is_active", "updated_at"])
    return link


def join_link_reset(*, course: Course, by: User) -> JoinLink:
    """A new code; the old link and code stop working at once."""
    link = JoinLink.objects.filter(course=course).first() or JoinLink(course=course, created_by=by)
    link.is_active = True
    return _fresh_code_save(link)


def join_link_disable(*, course: Course) -> bool:
    return bool(JoinLink.objects.filter(course=course, is_active=True).update(is_active=False))


def join_by_link(*, link: JoinLink, student: User) -> bool:
    """The student joins the link's course; ``EnrollmentError`` says why they cannot."""
    return enrollment_enroll(student=student, course=link.course)
