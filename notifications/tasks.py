"""Background tasks of notifications (run by `manage.py db_worker`)."""

from django_tasks import task

from . import emails


@task()
def send_notification_emails(notification_ids: list[int], attempt: int = 1) -> dict:
    """E-mail a batch of notifications over one SMTP connection; re-queues itself on failure."""
    return emails.send_batch(notification_ids, attempt=attempt).as_dict()
