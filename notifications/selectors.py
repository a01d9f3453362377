"""Reads of notifications: the centre's list and unread counts."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, QuerySet

from .models import Notification


def notifications_for(*, user) -> QuerySet[Notification]:
    """The notification centre: newest first. Nothing to join: a row carries its own text."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, is_read=False).count()


def unread_counts(*, user_ids: Iterable[int]) -> dict[int, int]:
    """Unread counts of many users in one query (users with none are absent)."""
    rows = (
        Notification.objects.filter(recipient_id__in=list(user_ids), is_read=False)
        .values("recipient_id")
        .annotate(unread=Count("pk"))
        .order_by()
    )
    return {row["recipient_id"]: row["unread"] for row in rows}
