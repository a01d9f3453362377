"""Invitation e-mails: one batch, one SMTP connection, a delivery state on every invitation.

Follows ``notifications.emails``: a batch that cannot reach the mail server keeps its rows
``pending`` and is queued again with a growing delay (``INVITATION_EMAIL_RETRY_DELAYS``); after
the last try the rows are ``failed`` with the error. The invitation itself stays valid whatever
happens to its e-mail: the inviter can copy the link or resend.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from elearning.links import absolute_url

from . import tokens
from .models import Invitation

logger = logging.getLogger(__name__)

Status = Invitation.EmailStatus
MARK_EVERY = 25


@dataclass
class BatchResult:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    retry: list[int] = field(default_factory=list)
    retry_attempt: int | None = None
    retry_at: datetime | None = None

    def as_dict(self) -> dict:
        return {"sent": len(self.sent), "failed": len(self.failed), "retry": len(self.retry)}



def invitation_url(invitation: Invitation) -> str:
    """The absolute accept link of the invitation as it is now (a resend changes it)."""
    return absolute_url(reverse("invite_accept", args=[tokens.token_for(invitation.token_nonce)]))


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def build_message(invitation: Invitation) -> EmailMultiAlternatives:
    inviter = invitation.invited_by
    names = {"inviter": _one_line(inviter.display_name)}
    if invitation.course_id:
        names["course"] = _one_line(invitation.course.title)
        subject = _("%(inviter)s invited you to %(course)s on eLearning") % names
    else:
        subject = _("%(inviter)s invited you to eLearning") % names
    context = {
        "invitation": invitation,
        "inviter": inviter,
        "course": invitation.course,
        "url": invitation_url(invitation),
        "site_url": absolute_url("/"),
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("invitations/email/invitation.txt", context),
        to=[invitation.email],
        reply_to=[inviter.email] if inviter.email else None,
    )
    message.attach_alternative(render_to_string("invitations/email/invitation.html", context), "text/html")
    return message


def send_batch(invitation_ids: list[int], *, attempt: int = 1) -> BatchResult:
    """Send the still-pending e-mails of these invitations over one SMTP connection. What may be
    tried again is left in ``result.retry`` with ``result.retry_at`` (the task re-queues it)."""
    result = BatchResult()
    outgoing = list(
        Invitation.objects.filter(
            pk__in=invitation_ids, email_status=Status.PENDING, status=Invitation.Status.PENDING
        )
        .select_related("invited_by", "course")
        .order_by("pk")
    )
    if not outgoing:
        return result
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as error:
        return _retry_later(result, [row.pk for row in outgoing], error, attempt)
    # Rows are marked sent a few at a time (one UPDATE and commit per MARK_EVERY mails, not per
    # mail). If the worker dies in between, those few are sent again: the same link, since
    # the token is derived from the stored nonce, so a duplicate e-mail and nothing broken.
    unmarked: list[int] = []
    try:
        for index, row in enumerate(outgoing):
            try:
                connection.send_messages([build_message(row)])
            except smtplib.SMTPRecipientsRefused as error:
                logger.error("invitation e-mail %s to %s refused: %s", row.pk, row.email, error)
                _mark([row.pk], status=Status.FAILED, error=str(error))
                result.failed.append(row.pk)
            except (OSError, smtplib.SMTPException) as error:
                _mark(unmarked, status=Status.SENT)
                unmarked = []
                return _retry_later(result, [r.pk for r in outgoing[index:]], error, attempt)
            else:
                unmarked.append(row.pk)
                result.sent.append(row.pk)
                if len(unmarked) >= MARK_EVERY:
                    _mark(unmarked, status=Status.SENT)
                    unmarked = []
    finally:
        _mark(unmarked, status=Status.SENT)
        try:
            connection.close()
        except Exception:
            logger.debug("closing the SMTP connection failed", exc_info=True)
    return result


def _retry_later(result: BatchResult, ids: list[int], error: Exception, attempt: int) -> BatchResult:
    delays = list(settings.INVITATION_EMAIL_RETRY_DELAYS)
    if attempt > len(delays):
        logger.error("giving up e-mailing invitations %s after %d attempts: %s", ids, attempt, error)
        _mark(ids, status=Status.FAILED, error=str(error))
        result.failed.extend(ids)
        return result
    delay = delays[attempt - 1]
    logger.warning("e-mailing invitations %s failed (attempt %d), retrying in %ds: %s", ids, attempt, delay, error)
    run_after = timezone.now() + timedelta(seconds=delay)
    _mark(ids, status=Status.PENDING, error=str(error), retry_at=run_after)
    result.retry.extend(ids)
    result.retry_attempt = attempt + 1
    result.retry_at = run_after
    return result


def _mark(ids: list[int], *, status: str, error: str = "", retry_at=None) -> None:
    if not ids:
        return
    changes = {
        "email_status": status,
        "email_error": error[:2000],
        "email_retry_at": retry_at,
        "email_attempts": F("email_attempts") + 1,
    }
    if status == Status.SENT:
        changes["times_sent"] = F("times_sent") + 1
        changes["last_sent_at"] = timezone.now()
    # Only rows still waiting: a resend that happened meanwhile starts its own count.
    Invitation.objects.filter(pk__in=ids, email_status=Status.PENDING).update(**changes)


def pending_batches(*, older_than: timedelta) -> list[list[int]]:
    """E-mails left ``pending`` with no task to send them (a failed enqueue, a killed worker)."""
    cutoff = timezone.now() - older_than
    stale = Invitation.objects.filter(email_status=Status.PENDING, status=Invitation.Status.PENDING).filter(
        Q(email_retry_at__isnull=True, last_sent_at__isnull=True, created_at__lt=cutoff)
        | Q(email_retry_at__isnull=True, last_sent_at__lt=cutoff)
        | Q(email_retry_at__lt=cutoff)
    )
    ids = list(stale.order_by("pk").values_list("pk", flat=True))
    size = settings.INVITATION_EMAIL_BATCH
    return [ids[start : start + size] for start in range(0, len(ids), size)]
