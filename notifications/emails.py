"""E-mail copies of notifications: one batch, one SMTP connection, a state on every row.

A batch that cannot reach the mail server keeps its rows ``pending`` and is queued again
with a growing delay (``NOTIFICATION_EMAIL_RETRY_DELAYS``); after the last try the rows are
``failed`` with the error, and the in-app notifications are untouched throughout.
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

from .models import Notification
from .permissions import wants_email

logger = logging.getLogger(__name__)

Status = Notification.EmailStatus
BATCH_SIZE = 500  # e-mails per task when re-queueing stragglers


@dataclass
class BatchResult:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    retry: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    retry_attempt: int | None = None
    retry_at: datetime | None = None

    def as_dict(self) -> dict:
        return {
            "sent": len(self.sent),
            "failed": len(self.failed),
            "retry": len(self.retry),
            "skipped": len(self.skipped),
        }



def build_message(notification: Notification) -> EmailMultiAlternatives:
    recipient = notification.recipient
    context = {
        "notification": notification,
        "recipient": recipient,
        "url": absolute_url(notification.link or reverse("notifications:centre")),
        "centre_url": absolute_url(reverse("notifications:centre")),
        "profile_url": absolute_url(reverse("accounts:profile")),
    }
    message = EmailMultiAlternatives(
        # One line: a header may never carry a line break (rows edited in the admin included).
        subject=_("[eLearning] %(title)s") % {"title": " ".join(notification.title.split())},
        body=render_to_string("notifications/email/notification.txt", context),
        to=[recipient.email],
    )
    message.attach_alternative(
        render_to_string("notifications/email/notification.html", context), "text/html"
    )
    return message


def retry_delays() -> list[int]:
    return list(settings.NOTIFICATION_EMAIL_RETRY_DELAYS)


def send_batch(notification_ids: list[int], *, attempt: int = 1) -> BatchResult:
    """Send the still-pending e-mails of these notifications over one SMTP connection. What
    could not be sent and may be tried again is left in ``result.retry`` with
    ``result.retry_at``: the task queues itself again (this module queues nothing)."""
    result = BatchResult()
    rows = list(
        Notification.objects.filter(pk__in=notification_ids, email_status=Status.PENDING)
        .select_related("recipient")
        .order_by("pk")
    )
    outgoing = []
    for row in rows:
        if wants_email(row.recipient):  # the address or the choice may have changed since
            outgoing.append(row)
        else:
            result.skipped.append(row.pk)
    _mark(result.skipped, status=Status.NONE)
    if not outgoing:
        return result

    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as error:
        return _retry_later(result, [row.pk for row in outgoing], error, attempt)
    try:
        for index, row in enumerate(outgoing):
            try:
                connection.send_messages([build_message(row)])
            except smtplib.SMTPRecipientsRefused as error:
                # This address will not take mail; retrying would not help.
                logger.error("notification e-mail %s to %s refused: %s", row.pk, row.recipient.email, error)
                _mark([row.pk], status=Status.FAILED, error=str(error), attempted=True)
                result.failed.append(row.pk)
            except (OSError, smtplib.SMTPException) as error:
                # The connection broke mid-batch: what was sent is marked, the rest waits.
                return _retry_later(result, [r.pk for r in outgoing[index:]], error, attempt)
            else:
                _mark([row.pk], status=Status.SENT, attempted=True)
                result.sent.append(row.pk)
    finally:
        try:
            connection.close()
        except Exception:  # a server that vanished after the last message changes nothing
            logger.debug("closing the SMTP connection failed", exc_info=True)
    return result


def _retry_later(result: BatchResult, ids: list[int], error: Exception, attempt: int) -> BatchResult:
    delays = retry_delays()
    if attempt > len(delays):
        logger.error(
            "giving up e-mailing notifications %s after %d attempts: %s", ids, attempt, error
        )
        _mark(ids, status=Status.FAILED, error=str(error), attempted=True)
        result.failed.extend(ids)
        return result
    delay = delays[attempt - 1]
    logger.warning(
        "e-mailing notifications %s failed (attempt %d), retrying in %ds: %s", ids, attempt, delay, error
    )
    run_after = timezone.now() + timedelta(seconds=delay)
    _mark(ids, status=Status.PENDING, error=str(error), attempted=True, retry_at=run_after)
    result.retry.extend(ids)
    result.retry_attempt = attempt + 1
    result.retry_at = run_after
    return result


def _mark(
    ids: list[int], *, status: str, error: str = "", attempted: bool = False, retry_at=None
) -> None:
    if not ids:
        return
    changes = {"email_status": status, "email_error": error[:2000], "email_retry_at": retry_at}
    if attempted:
        changes["email_attempts"] = F("email_attempts") + 1
    if status == Status.SENT:
        changes["emailed_at"] = timezone.now()
    Notification.objects.filter(pk__in=ids).update(**changes)


def pending_batches(*, older_than: timedelta) -> list[list[int]]:
    """The e-mails left ``pending`` with no task to send them (an enqueue that failed, a killed
    worker): rows whose creation or scheduled retry is older than ``older_than``, in batches."""
    cutoff = timezone.now() - older_than
    stale = Notification.objects.filter(email_status=Status.PENDING).filter(
        Q(email_retry_at__isnull=True, created_at__lt=cutoff) | Q(email_retry_at__lt=cutoff)
    )
    ids = list(stale.order_by("pk").values_list("pk", flat=True))
    return [ids[start : start + BATCH_SIZE] for start in range(0, len(ids), BATCH_SIZE)]
