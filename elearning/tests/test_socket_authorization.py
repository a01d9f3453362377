"""Every WebSocket route of the site, opened as every role, gets what its row declares: accepted
and kept open, or closed with which code. The sockets' half of the authorization matrix
(test_authorization_matrix.py covers the URLs); same roles, same kind of test world."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from asgiref.sync import async_to_sync

from accounts.tests.factories import AdminFactory, StudentFactory, TeacherFactory
from classroom import events as classroom_events
from courses import services as course_services
from courses.tests.factories import CourseFactory
from elearning.routing import websocket_urlpatterns
from elearning.testing.authz import ROLES
from elearning.testing.sockets import communicator_for
from notifications.consumers import CLOSE_NOT_SIGNED_IN

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass(frozen=True)
class SocketExpect:
    accepted: bool = True  # False: refused during the handshake (HTTP 403)
    close_code: int | None = None  # None: accepted, answers a ping, stays open

    def __str__(self) -> str:
        if not self.accepted:
            return "refused at the handshake"
        return "open" if self.close_code is None else f"closed with {self.close_code}"


OPEN = SocketExpect()
REFUSED = SocketExpect(accepted=False)


def closed(code: int) -> SocketExpect:
    """Accepted, then closed with ``code`` before anything is sent: the page can say why."""
    return SocketExpect(close_code=code)


@dataclass
class SocketCase:
    route: str  # the pattern in elearning.routing
    path: Callable[[Any], str]
    expect: dict[str, SocketExpect]


def classroom_members(others: SocketExpect) -> dict[str, SocketExpect]:
    """The course's teacher and enrolled students get in; signed-in others get ``others``."""
    return {
        **dict.fromkeys(ROLES, others),
        "anonymous": closed(classroom_events.CLOSE_LOGIN_REQUIRED),
        "enrolled": OPEN,
        "teacher": OPEN,
    }


CLASSROOM = "ws/classroom/<int:course_id>/"
FORBIDDEN = closed(classroom_events.CLOSE_FORBIDDEN)
NOT_FOUND = closed(classroom_events.CLOSE_NOT_FOUND)

SOCKET_MATRIX = {
    # A lesson, not a public page: admins and other teachers are refused too.
    "classroom": SocketCase(CLASSROOM, lambda w: f"/ws/classroom/{w.course.pk}/", classroom_members(FORBIDDEN)),
    # As the classroom page (courses.access): a closed course is "not found" to those who cannot
    # see it; a block and an admin's view still say "forbidden"; its enrolled students are told
    # the course is closed; its teacher still gets in (permissions.can_enter).
    "classroom of an inactive course": SocketCase(
        CLASSROOM,
        lambda w: f"/ws/classroom/{w.inactive_course.pk}/",
        {
            **classroom_members(NOT_FOUND),
            "blocked": FORBIDDEN,
            "admin": FORBIDDEN,
            "enrolled": closed(classroom_events.CLOSE_COURSE_CLOSED),
        },
    ),
    "classroom of no course": SocketCase(
        CLASSROOM,
        lambda w: "/ws/classroom/999999/",
        {**dict.fromkeys(ROLES, NOT_FOUND), "anonymous": closed(classroom_events.CLOSE_LOGIN_REQUIRED)},
    ),
    # The badge: every signed-in account that may use the site (a course block changes nothing).
    "notifications": SocketCase(
        "ws/notifications/",
        lambda w: "/ws/notifications/",
        {**dict.fromkeys(ROLES, OPEN), "anonymous": closed(CLOSE_NOT_SIGNED_IN)},
    ),
    # Any other path, quietly (elearning.consumers.UnknownRouteConsumer).
    "unknown path": SocketCase("", lambda w: "/ws/nowhere/", dict.fromkeys(ROLES, REFUSED)),
}


def test_every_socket_route_has_a_declared_expectation():
    declared = {case.route for case in SOCKET_MATRIX.values()}
    routes = {str(pattern.pattern) for pattern in websocket_urlpatterns}
    assert routes - declared == set(), "WebSocket routes without a row in SOCKET_MATRIX"
    assert declared - routes == set(), "rows for routes that no longer exist"


@pytest.mark.parametrize("key", sorted(SOCKET_MATRIX))
def test_every_row_names_every_role(key):
    assert set(SOCKET_MATRIX[key].expect) == set(ROLES)


@pytest.fixture
def world(db):
    teacher = TeacherFactory(username="w_teacher")
    course = CourseFactory(teacher=teacher)
    inactive_course = CourseFactory(teacher=teacher)
    enrolled = StudentFactory(username="w_enrolled")
    blocked = StudentFactory(username="w_blocked")
    for each in (course, inactive_course):
        course_services.enrollment_enroll(student=enrolled, course=each)
        course_services.enrollment_enroll(student=blocked, course=each)
        course_services.roster_block_student(course=each, student=blocked, blocked_by=teacher)
    inactive_course.is_active = False
    inactive_course.save(update_fields=["is_active"])
    return SimpleNamespace(
        anonymous=None,
        student=StudentFactory(username="w_student"),
        enrolled=enrolled,
        blocked=blocked,
        teacher=teacher,
        other_teacher=TeacherFactory(username="w_other"),
        admin=AdminFactory(username="w_admin"),
        course=course,
        inactive_course=inactive_course,
    )


async def outcome(path: str, user) -> SocketExpect:
    """Open ``path`` as ``user``: REFUSED when the handshake fails; the close code when the
    server closes it before sending anything; otherwise OPEN once it has answered a ping (it is
    still listening)."""
    communicator = await communicator_for(path, user)
    connected, _ = await communicator.connect()
    if not connected:
        return REFUSED
    first = await communicator.receive_output(timeout=3)
    if first["type"] == "websocket.close":
        return closed(first["code"])
    while not await communicator.receive_nothing(timeout=0.1):  # the rest of the greeting
        output = await communicator.receive_output()
        if output["type"] == "websocket.close":
            return closed(output["code"])
    await communicator.send_json_to({"type": "ping"})
    answer = await communicator.receive_json_from(timeout=3)
    await communicator.disconnect()
    assert answer == {"type": "pong"}, answer
    return OPEN


@pytest.mark.parametrize("key", sorted(SOCKET_MATRIX))
def test_role_gets_declared_socket(world, key):
    case = SOCKET_MATRIX[key]
    path = case.path(world)

    async def every_role():
        return {role: await outcome(path, getattr(world, role)) for role in ROLES}

    got = async_to_sync(every_role)()
    failures = [f"{role}: expected {case.expect[role]}, got {got[role]}" for role in ROLES if got[role] != case.expect[role]]
    assert not failures, f"{path}:\n" + "\n".join(failures)
