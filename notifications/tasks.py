"""Background tasks of notifications (run by `manage.py db_worker`)."""

from datetime import timedelta

from django_tasks import task

from . import emails


@task()
def send_notification_emails(notification_ids: list[int], attempt: int = 1) -> dict:
    """E-mail a batch of notifications over one SMTP connection; re-queues itself on failure."""
    result = emails.send_batch(notification_ids, attempt=attempt)
    if result.retry:
        send_notification_emails.using(run_after=result.retry_at).enqueue(
            result.retry, attempt=result.retry_attempt
        )
    return result.as_dict()


def pending_enqueue(*, older_than: timedelta) -> int:
    """Queue again the e-mails left pending with no task; returns how many were queued."""
    batches = emails.pending_batches(older_than=older_than)
    for batch in batches:
        send_notification_emails.enqueue(batch)
    return sum(map(len, batches))
