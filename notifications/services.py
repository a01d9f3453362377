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
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.utils.text import Truncator

from accounts.models import User

from . import delivery, permissions
from .models import Notification

logger = logging.getLogger(__name__)

TITLE_MAX = Notification._meta.get_field("title").max_length


@dataclass(frozen=True)
class Notice:
    """One recipient's notification in a batch whose texts differ per person."""

    recipient: User
    title: str
    message: str = ""
    link: str = ""


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    message: str = "",
    link: str = "",
) -> list[Notification]:
    """THE entry point: tell ``recipients`` the same thing. One row each (duplicates and
    deactivated accounts skipped) in one INSERT, inside the caller's transaction; after the
    commit, one e-mail task for the whole batch and one live push each.

    ``title`` and ``message`` are plain text in the reader's language, written by the app that
    owns the event; ``link`` is a path on this site.
    """
    return notify_each(
        kind=kind, notices=(Notice(user, title, message, link) for user in recipients)
    )


def notify_each(*, kind: str, notices: Iterable[Notice]) -> list[Notification]:
    """The batch form: one event, a text per recipient (the first notice per recipient wins)."""
    unique: dict[int, Notice] = {}
    for notice in notices:
        if notice.recipient.is_active:
            unique.setdefault(notice.recipient.pk, notice)
    if not unique:
        return []
    rows = Notification.objects.bulk_create(
        Notification(
            recipient=notice.recipient,
            type=kind,
            # One line: it is also a mail subject.
            title=Truncator(" ".join(notice.title.split())).chars(TITLE_MAX),
            message=notice.message,
            link=notice.link,
            email_status=(
                Notification.EmailStatus.PENDING
                if permissions.wants_email(notice.recipient)
                else Notification.EmailStatus.NONE
            ),
        )
        for notice in unique.values()
    )
    email_ids = [row.pk for row in rows if row.email_status == Notification.EmailStatus.PENDING]
    if email_ids:
        transaction.on_commit(partial(delivery.email_enqueue, email_ids))
    delivery.push_new_on_commit(rows)
    return rows


def notification_mark_read(*, notification: Notification) -> bool:
    """Mark one notification read; returns whether it was unread."""
    changed = Notification.objects.filter(pk=notification.pk, is_read=False).update(is_read=True) == 1
    notification.is_read = True
    if changed:
        delivery.push_counts_on_commit([notification.recipient_id])
    return changed


def notification_mark_all_read(*, user: User) -> int:
    """Mark every notification of ``user`` read; returns how many were unread."""
    changed = Notification.objects.filter(recipient=user, is_read=False).update(is_read=True)
    if changed:
        delivery.push_counts_on_commit([user.pk])
    return changed
