"""Reads for accounts pages that go beyond a one-line query."""

from django.db.models import Count, Q

from .models import User


def admin_dashboard() -> dict:
    """Head counts for the admin's home page, in one query, plus the newest accounts."""
    counts = User.objects.aggregate(
        students=Count("pk", filter=Q(role=User.Role.STUDENT, is_staff=False)),
        teachers=Count("pk", filter=Q(role=User.Role.TEACHER, is_staff=False)),
        admins=Count("pk", filter=Q(is_staff=True)),
        blocked=Count("pk", filter=Q(is_blocked=True)),
    )
    return {"counts": counts, "recent_users": User.objects.order_by("-date_joined")[:8]}
