"""Reads for the classroom: who may enter, recent chat, the board, who is online, who may draw."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from accounts.models import display_name_of, photo_url_of
from courses.access import course_or_deny
from courses.models import Course

from . import audio, events, permissions
from .models import ChatMessage, Classroom, Presence, WhiteboardAction


def classroom_course(*, user, course_id: int) -> Course:
    """The course whose classroom ``user`` may enter; otherwise ``Http404`` or
    ``PermissionDenied``, decided as for the classroom page (``courses.access``)."""
    return course_or_deny(user, course_id, permissions.can_enter)


def classroom_state(*, course_id: int, after: int | None = None) -> dict:
    """Everything a socket needs on entering: chat (after message ``after`` when given), the
    board, who is online, who may draw, whether the teacher is on air."""
    return {
        "chat": [events.chat(m) for m in chat_recent(course_id=course_id, after=after)],
        "board": board_state(course_id=course_id),
        "online": online_users(course_id=course_id),
        "draw": draw_permissions(course_id=course_id),
        "audio": audio.microphone_is_on(course_id=course_id),
        # Clients drop their oldest elements past this, as the server does, so a client that
        # stayed connected ends with the same board as one that just joined.
        "board_limit": settings.CLASSROOM_BOARD_MAX_ACTIONS,
    }


def chat_recent(*, course_id: int, after: int | None = None, limit: int = 100) -> list[ChatMessage]:
    """The newest ``limit`` messages (after message ``after`` when given), oldest first; one query."""
    messages = ChatMessage.objects.filter(course_id=course_id).select_related("author")
    if after is not None:
        messages = messages.filter(pk__gt=after)
    return list(reversed(messages.order_by("-pk")[:limit]))


def element_dict(action: WhiteboardAction, username: str | None) -> dict:
    return {**action.data, "id": action.pk, "user": username or ""}


def board_state(*, course_id: int) -> list[dict]:
    actions = (
        WhiteboardAction.objects.filter(course_id=course_id)
        .order_by("pk")
        .values_list("pk", "data", "author__username")
    )
    return [{**data, "id": pk, "user": username or ""} for pk, data, username in actions]


def presence_cutoff():
    return timezone.now() - timedelta(seconds=settings.CLASSROOM_PRESENCE_TTL)


def online_users(*, course_id: int) -> list[dict]:
    """Everyone with a live socket in the classroom (any process), teacher first, then by name.
    One query of plain values: it runs on every join, for classes of hundreds."""
    rows = (
        Presence.objects.filter(course_id=course_id, seen_at__gte=presence_cutoff())
        .order_by("user_id")
        .values_list(
            "user_id", "user__username", "user__full_name", "user__first_name", "user__last_name", "user__role",
            "user__photo",
        )
        .distinct()
    )
    users = [
        events.person(
            username=username, role=role, photo_url=photo_url_of(photo),
            name=display_name_of(username=username, full_name=full, first_name=first, last_name=last),
        )
        for _pk, username, full, first, last, role, photo in rows
    ]
    return sorted(users, key=lambda u: (u["role"] != "teacher", u["name"].casefold()))


def draw_permissions(*, course_id: int) -> dict:
    classroom = Classroom.objects.filter(course_id=course_id).first()
    if classroom is None:
        return {"all": False, "users": []}
    return {
        "all": classroom.students_may_draw,
        "users": sorted(classroom.drawers.values_list("username", flat=True)),
    }
