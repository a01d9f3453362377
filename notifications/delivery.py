"""What happens after a notification is committed: the e-mail task and the live badge push.

Both run from ``transaction.on_commit`` callbacks, after the response is decided, so both
swallow and log their errors: a dead Redis or task queue degrades the live badge or delays
the e-mail, and never turns a saved enrollment into a 500.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from . import payloads, selectors
from .models import Notification

logger = logging.getLogger(__name__)


def email_enqueue(notification_ids: Sequence[int]) -> None:
    """Queue ONE e-mail task for a batch of notifications (one SMTP connection for all)."""
    from .tasks import send_notification_emails  # the task module imports this one

    try:
        send_notification_emails.enqueue(list(notification_ids))
    except Exception:
        # The rows stay ``pending``; `manage.py notification_emails` queues them again.
        logger.exception("could not queue the e-mails of notifications %s", list(notification_ids))


def push_new(notifications: Sequence[Notification]) -> None:
    """Tell each recipient's open pages about their new notification and unread count."""
    counts = _counts([n.recipient_id for n in notifications])
    if counts is None:
        return
    _send(
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
    _send(
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


def _send(messages: dict[str, dict]) -> None:
    layer = get_channel_layer()
    if layer is None or not messages:
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is not None:
        # Called straight from async code (not through sync_to_async): cannot block here, so
        # the push runs as a task on this loop, logging its own failure.
        task = loop.create_task(_group_send_logged(layer, messages))
        _pending.add(task)
        task.add_done_callback(_pending.discard)
        return
    try:
        async_to_sync(_group_send_all)(layer, messages)
    except Exception:
        # Redis down: the notifications are saved; the badges catch up on the next page load.
        logger.warning("live notification push failed for %d user(s)", len(messages), exc_info=True)


async def _group_send_all(layer, messages: dict[str, dict]) -> None:
    for group, message in messages.items():
        await layer.group_send(group, message)


async def _group_send_logged(layer, messages: dict[str, dict]) -> None:
    try:
        await _group_send_all(layer, messages)
    except Exception:
        logger.warning("live notification push failed for %d user(s)", len(messages), exc_info=True)


_pending: set[asyncio.Task] = set()  # strong references until the tasks finish
