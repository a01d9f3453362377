"""Writes for the classroom. Broadcasts to the channel layer happen after the commit, and a
channel-layer failure (Redis down) is logged, never raised: the saved data stays saved."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course
from courses.selectors import course_ids_of
from elearning.realtime import group_send_on_commit

from . import events, selectors
from .models import CHAT_MAX_LENGTH, ChatMessage, Classroom, Presence, WhiteboardAction

logger = logging.getLogger(__name__)


def broadcast(group: str, event: dict) -> None:
    """Send ``event`` to ``group`` once the current transaction (if any) has committed."""
    group_send_on_commit(group, event)


# --- Kick -----------------------------------------------------------------------------------


def classroom_kick(*, course_id: int, user_id: int) -> None:
    """Close every open classroom socket of user ``user_id`` in course ``course_id``, on every
    server process, once the caller's transaction commits (at once outside a transaction).

    The sockets close with code 4003 (``events.CLOSE_REMOVED``) and the page tells the student
    they no longer have access. Channel-layer errors are logged and swallowed, so blocking or
    removing a student works even while Redis is down.
    """
    broadcast(events.user_group(course_id, user_id), events.kick_event())


def classroom_end(*, course_id: int) -> None:
    """Close every socket of the course's classroom (code 4404, "this course no longer exists")
    after the caller's transaction commits; for deleting a course. Layer errors are logged."""
    broadcast(events.room_group(course_id), events.end_event())


def classroom_close_to_students(*, course_id: int) -> None:
    """Close the students' sockets of the course's classroom (code 4410, "this course is
    closed") after the caller's transaction commits; for closing a course."""
    broadcast(events.room_group(course_id), events.closed_event())


def classrooms_close_for(*, user_id: int) -> None:
    """Close every classroom socket of a user, in every course (an account block)."""
    for course_id in course_ids_of(user_id=user_id):
        classroom_kick(course_id=course_id, user_id=user_id)


# --- Chat -----------------------------------------------------------------------------------


def chat_post(*, course: Course, author: User, body: str) -> ChatMessage:
    """Save a chat message, then broadcast it to the classroom. Raises ValidationError."""
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("A chat message cannot be empty."), code="empty")
    if len(body) > CHAT_MAX_LENGTH:
        raise ValidationError(
            _("A chat message can be at most %(max)s characters.") % {"max": CHAT_MAX_LENGTH}, code="too_long"
        )
    with transaction.atomic():
        message = ChatMessage.objects.create(course=course, author=author, body=body)
        broadcast(events.room_group(course.pk), events.chat_event(events.chat(message)))
    return message


# --- Whiteboard -----------------------------------------------------------------------------


def _simplify(points: list[float], tolerance: float) -> list[float]:
    """Ramer–Douglas–Peucker on a flat [x0, y0, x1, y1, …] list: drops points that lie within
    ``tolerance`` of the line through their neighbours, so stored strokes stay small."""
    pairs = list(zip(points[::2], points[1::2]))
    if len(pairs) < 3:
        return points
    keep = [False] * len(pairs)
    keep[0] = keep[-1] = True
    stack = [(0, len(pairs) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = pairs[first], pairs[last]
        dx, dy = x2 - x1, y2 - y1
        length = (dx * dx + dy * dy) ** 0.5
        worst, index = -1.0, None
        for i in range(first + 1, last):
            px, py = pairs[i]
            if length:
                distance = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / length
            else:
                distance = ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5
            if distance > worst:
                worst, index = distance, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [c for pair, kept in zip(pairs, keep) if kept for c in pair]


ELEMENT_FIELDS = ("tool", "color", "width", "points", "text", "size")


@transaction.atomic
def whiteboard_add(*, course: Course, author: User, element: dict, sid: str) -> dict:
    """Store a finished element and broadcast it; the board keeps the newest N elements."""
    data = {key: element[key] for key in ELEMENT_FIELDS if key in element}
    if data["tool"] in ("pen", "eraser"):
        data["points"] = _simplify(data["points"], settings.CLASSROOM_BOARD_SIMPLIFY)
    data.update(dx=0.0, dy=0.0)
    action = WhiteboardAction.objects.create(course=course, author=author, data=data)
    limit = settings.CLASSROOM_BOARD_MAX_ACTIONS
    oldest_kept = (
        WhiteboardAction.objects.filter(course=course).order_by("-pk").values_list("pk", flat=True)[limit - 1 : limit]
    )
    if oldest_kept:
        WhiteboardAction.objects.filter(course=course, pk__lt=oldest_kept[0]).delete()
    element = selectors.element_dict(action, author.username)
    broadcast(
        events.room_group(course.pk),
        events.board_event(events.draw_finished(sid=sid, username=author.username, element=element)),
    )
    return element


@transaction.atomic
def whiteboard_move(*, course: Course, element_id: int, dx: float, dy: float) -> bool:
    action = WhiteboardAction.objects.select_for_update().filter(course=course, pk=element_id).first()
    if action is None:
        return False
    action.data = {**action.data, "dx": dx, "dy": dy}
    action.save(update_fields=["data"])
    broadcast(events.room_group(course.pk), events.board_event(events.moved(element_id, dx=dx, dy=dy)))
    return True


@transaction.atomic
def whiteboard_undo(*, course: Course, author: User) -> int | None:
    """Remove ``author``'s newest element; returns its id (None when they have none left)."""
    action = WhiteboardAction.objects.filter(course=course, author=author).order_by("-pk").first()
    if action is None:
        return None
    element_id = action.pk
    action.delete()
    broadcast(events.room_group(course.pk), events.board_event(events.undone(element_id)))
    return element_id


@transaction.atomic
def whiteboard_clear(*, course: Course) -> None:
    WhiteboardAction.objects.filter(course=course).delete()
    broadcast(events.room_group(course.pk), events.board_event(events.cleared()))


@transaction.atomic
def draw_permission_set(
    *, course: Course, everyone: bool | None = None, username: str | None = None, allowed: bool | None = None
) -> dict:
    """Let all students draw (``everyone``) or one enrolled student (``username``/``allowed``).
    Raises ValidationError for a username that is not a student of the course."""
    classroom, _created = Classroom.objects.get_or_create(course=course)
    if everyone is not None:
        classroom.students_may_draw = everyone
        classroom.save(update_fields=["students_may_draw"])
    if username is not None:
        student = User.objects.filter(
            username=username, enrollments__course=course, enrollments__is_active=True
        ).first()
        if student is None:
            raise ValidationError(_("%(name)s is not a student of this course.") % {"name": username}, code="unknown")
        (classroom.drawers.add if allowed else classroom.drawers.remove)(student)
    permissions = selectors.draw_permissions(course_id=course.pk)
    broadcast(events.room_group(course.pk), events.permission_event(permissions))
    return permissions


# --- Presence -------------------------------------------------------------------------------


class TooManySockets(Exception):
    """The user already has ``max_sockets`` live classroom sockets."""


def presence_enter(*, course_id: int, user_id: int, channel_name: str, max_sockets: int | None = None) -> bool:
    """Record an open socket; True when it is the user's first live one (announce a join).

    Raises ``TooManySockets`` when the user already has ``max_sockets`` live sockets in all
    classrooms together. The count and the insert hold the user's row locked, so sockets
    opened at once on several processes cannot all slip under the cap."""
    now = timezone.now()
    cutoff = selectors.presence_cutoff()
    with transaction.atomic():
        if max_sockets is not None:
            list(User.objects.select_for_update().filter(pk=user_id).values_list("pk", flat=True))  # the lock
            live = Presence.objects.filter(user_id=user_id, seen_at__gte=cutoff).exclude(channel_name=channel_name)
            if live.count() >= max_sockets:
                raise TooManySockets
        Presence.objects.filter(course_id=course_id, seen_at__lt=cutoff).delete()  # crashed processes
        already = Presence.objects.filter(course_id=course_id, user_id=user_id, seen_at__gte=cutoff).exists()
        Presence.objects.update_or_create(
            channel_name=channel_name, defaults={"course_id": course_id, "user_id": user_id, "seen_at": now}
        )
    return not already


def presence_touch(*, channel_name: str) -> None:
    Presence.objects.filter(channel_name=channel_name).update(seen_at=timezone.now())


def presence_leave(*, course_id: int, user_id: int, channel_name: str) -> bool:
    """Forget a closed socket; True when the user has no other live one (announce a leave)."""
    Presence.objects.filter(channel_name=channel_name).delete()
    return not Presence.objects.filter(
        course_id=course_id, user_id=user_id, seen_at__gte=selectors.presence_cutoff()
    ).exists()
