"""Writes of notifications: create a batch for one event, mark read.

Every write happens inside the caller's transaction; what leaves the database (the e-mail task,
the live badge push) is scheduled with ``transaction.on_commit`` and so only ever describes
rows that are safely stored. Neither side effect can fail the request or lose a row: both log
and give up (the e-mail keeps its ``pending`` state and ``manage.py notification_emails``
enqueues it again).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.utils.text import Truncator

from accounts.models import User

from . import delivery
from .models import Notification

logger = logging.getLogger(__name__)

TITLE_MAX = Notification._meta.get_field("title").max_length


def wants_email(user: User) -> bool:
    """Whether a notification for ``user`` should also be e-mailed (checked again at sending)."""
    return bool(user.email) and user.email_notifications and user.is_active and not user.is_blocked


def notifications_create(
    *,
    recipients: Iterable[User],
    type: Notification.Type,
    title: str,
    message: str = "",
    link: str = "",
) -> list[Notification]:
    """One notification per recipient (duplicates and deactivated accounts skipped), in one
    INSERT; after the commit one e-mail task for the whole batch and one live push each."""
    unique: dict[int, User] = {}
    for user in recipients:
        if user.is_active:
            unique.setdefault(user.pk, user)
    if not unique:
        return []
    title = Truncator(" ".join(title.split())).chars(TITLE_MAX)  # one line: it is a mail subject
    rows = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            type=type,
            title=title,
            message=message,
            link=link,
            email_status=(
                Notification.EmailStatus.PENDING if wants_email(user) else Notification.EmailStatus.NONE
            ),
        )
        for user in unique.values()
    )
    email_ids = [row.pk for row in rows if row.email_status == Notification.EmailStatus.PENDING]
    if email_ids:
        transaction.on_commit(partial(delivery.email_enqueue, email_ids))
    transaction.on_commit(partial(delivery.push_new, rows))
    return rows


def notification_mark_read(*, notification: Notification) -> bool:
    """Mark one notification read; returns whether it was unread."""
    changed = Notification.objects.filter(pk=notification.pk, is_read=False).update(is_read=True) == 1
    notification.is_read = True
    if changed:
        transaction.on_commit(partial(delivery.push_counts, [notification.recipient_id]))
    return changed


def notification_mark_all_read(*, user: User) -> int:
    """Mark every notification of ``user`` read; returns how many were unread."""
    changed = Notification.objects.filter(recipient=user, is_read=False).update(is_read=True)
    if changed:
        transaction.on_commit(partial(delivery.push_counts, [user.pk]))
    return changed
