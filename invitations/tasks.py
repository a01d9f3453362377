"""Background tasks of invitations (run by `manage.py db_worker`)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django_tasks import task

from . import emails

logger = logging.getLogger(__name__)


@task()
def send_invitation_emails(invitation_ids: list[int], attempt: int = 1) -> dict:
    """E-mail a batch of invitations over one SMTP connection; re-queues itself on failure."""
    result = emails.send_batch(invitation_ids, attempt=attempt)
    if result.retry:
        send_invitation_emails.using(run_after=result.retry_at).enqueue(result.retry, attempt=result.retry_attempt)
    return result.as_dict()


def email_enqueue(invitation_ids: Sequence[int]) -> None:
    """Queue the e-mails in batches (called after commit). A queue that is down leaves the rows
    ``pending``; `manage.py invitation_emails` queues them again."""
    ids = list(invitation_ids)
    size = settings.INVITATION_EMAIL_BATCH
    for start in range(0, len(ids), size):
        try:
            send_invitation_emails.enqueue(ids[start : start + size])
        except Exception:
            logger.exception("could not queue the e-mails of invitations %s", ids[start : start + size])


def pending_enqueue(*, older_than: timedelta) -> int:
    batches = emails.pending_batches(older_than=older_than)
    for batch in batches:
        send_invitation_emails.enqueue(batch)
    return sum(map(len, batches))
