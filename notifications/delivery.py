"""What happens after a notification is committed: the e-mail task and the live badge push.

Both run from ``transaction.on_commit`` callbacks, after the response is decided, so both
swallow and log their errors: a dead Redis or task queue degrades the live badge or delays
the e-mail, and never turns a saved enrollment into a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import partial

from django.db import transaction

from elearning.realtime import group_send_now

from . import payloads, selectors
from .models import Notification
from .tasks import send_notification_emails

logger = logging.getLogger(__name__)


def email_enqueue(notification_ids: Sequence[int]) -> None:
    """Queue ONE e-mail task for a batch of notifications (one SMTP connection for all)."""
    try:
        send_notification_emails.enqueue(list(notification_ids))
    except Exception:
        # The rows stay ``pending``; `manage.py notification_emails` queues them again.
        logger.exception("could not queue the e-mails of notifications %s", list(notification_ids))


def push_new_on_commit(notifications: Sequence[Notification]) -> None:
    transaction.on_commit(partial(push_new, notifications))


def push_counts_on_commit(user_ids: Sequence[int]) -> None:
    transaction.on_commit(partial(push_counts, user_ids))


def push_new(notifications: Sequence[Notification]) -> None:
    """Tell each recipient's open pages about their new notification and unread count."""
    counts = _counts([n.recipient_id for n in notifications])
    if counts is None:
        return
    group_send_now(
        {
            payloads.user_group(n.recipient_id): payloads.new_notification(
                unread=counts.get(n.recipient_id, 0), title=n.title, link=n.link
            )
            for n in notifications
        }
    )


def push_counts(user_ids: Sequence[int]) -> None:
    """Tell each user's open pages their unread count (after marking read)."""
    counts = _counts(user_ids)
    if counts is None:
        return
    group_send_now(
        {
            payloads.user_group(user_id): payloads.unread_count(unread=counts.get(user_id, 0))
            for user_id in user_ids
        }
    )


def _counts(user_ids: Sequence[int]) -> dict[int, int] | None:
    try:
        return selectors.unread_counts(user_ids=user_ids)
    except Exception:
        logger.exception("could not count unread notifications for the live badge")
        return None
