"""Reads of invitations: the inviter's list, one invitation by its token, import progress."""

from __future__ import annotations

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.utils import timezone

from . import tokens
from .models import ImportBatch, Invitation, JoinLink

Status = Invitation.Status
STATUS_FILTERS = [Status.PENDING, Status.ACCEPTED, Status.EXPIRED, Status.REVOKED]


def invitations_of(*, inviter, status: str = "", course_id: int | None = None, search: str = "") -> QuerySet[Invitation]:
    """The inviter's invitations, newest first, filtered by effective status (``expired`` is a
    pending row past its date), course and a name or address substring."""
    now = timezone.now()
    rows = (
        Invitation.objects.filter(invited_by=inviter)
        .select_related("course", "accepted_by")
        .annotate(
            shown_status=Case(
                When(status=Status.PENDING, expires_at__lte=now, then=Value(Status.EXPIRED)),
                default="status",
                output_field=CharField(),
            )
        )
    )
    if status in STATUS_FILTERS:
        rows = rows.filter(shown_status=status)
    if course_id:
        rows = rows.filter(course_id=course_id)
    search = search.strip()
    if search:
        rows = rows.filter(Q(full_name__icontains=search) | Q(email__icontains=search))
    return rows.order_by("-created_at", "-pk")


def invitation_by_token(token: str) -> Invitation | None:
    """The open invitation (pending, not expired) this token belongs to, else None: the accept
    page tells no difference between unknown, used, revoked and expired."""
    if not token or len(token) > 100:
        return None
    invitation = (
        Invitation.objects.select_related("invited_by", "course")
        .filter(token_hash=tokens.hash_token(token))
        .first()
    )
    if invitation is None or not invitation.is_open:
        return None
    return invitation


def import_progress(*, batch: ImportBatch) -> dict:
    """How far the e-mails of a confirmed import are: one aggregate query."""
    E = Invitation.EmailStatus
    totals = batch.invitations.aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=Q(email_status=E.SENT)),
        failed=Count("pk", filter=Q(email_status=E.FAILED)),
        waiting=Count("pk", filter=Q(email_status=E.PENDING, status=Status.PENDING)),
        retrying=Count("pk", filter=Q(email_status=E.PENDING, email_attempts__gt=0, status=Status.PENDING)),
    )
    finished = totals["total"] - totals["waiting"]
    totals["percent"] = round(100 * finished / totals["total"]) if totals["total"] else 100
    totals["done"] = totals["waiting"] == 0
    return totals


def import_email_states(*, batch: ImportBatch) -> dict[int, tuple[str, str]]:
    """Invitation id → (effective status, e-mail status) for the report."""
    return {
        invitation.pk: (invitation.effective_status, invitation.email_status)
        for invitation in batch.invitations.only("pk", "status", "expires_at", "email_status")
    }


def recent_imports(*, user, limit: int = 5) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.filter(created_by=user, status=ImportBatch.Status.CONFIRMED)[:limit]


def join_link_by_code(code: str) -> JoinLink | None:
    code = (code or "").strip().upper()
    if not code or len(code) > 16:
        return None
    return JoinLink.objects.select_related("course", "course__teacher").filter(code=code, is_active=True).first()


def join_links_of(*, teacher) -> dict[int, JoinLink]:
    return {link.course_id: link for link in JoinLink.objects.filter(course__teacher=teacher)}


def dashboard_summary(*, inviter) -> dict:
    now = timezone.now()
    return Invitation.objects.filter(invited_by=inviter).aggregate(
        pending=Count("pk", filter=Q(status=Status.PENDING, expires_at__gt=now)),
        accepted=Count("pk", filter=Q(status=Status.ACCEPTED)),
    )
