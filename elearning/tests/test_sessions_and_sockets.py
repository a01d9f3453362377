"""A logout or a password change reaches the user's open sockets within a second: each one is
asked to reconnect, and only sockets whose session is still valid get back in."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from accounts.tests.factories import PASSWORD
from classroom.events import CLOSE_LOGIN_REQUIRED
from classroom.tests.helpers import run
from courses import services as course_services
from courses.tests.factories import CourseFactory
from elearning.asgi import application
from elearning.consumers import CLOSE_RECONNECT
from elearning.testing.sockets import handshake_headers
from notifications.consumers import CLOSE_NOT_SIGNED_IN
from notifications.tests.test_consumers import closed_with

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(user) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def cookie(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def classroom_socket(course, session: str):
    headers = [*handshake_headers(), (b"cookie", f"{settings.SESSION_COOKIE_NAME}={session}".encode())]
    return WebsocketCommunicator(application, f"/ws/classroom/{course.pk}/", headers=headers)


def badge_socket(session: str):
    headers = [*handshake_headers(), (b"cookie", f"{settings.SESSION_COOKIE_NAME}={session}".encode())]
    return WebsocketCommunicator(application, "/ws/notifications/", headers=headers)


async def opened(communicator):
    connected, _ = await communicator.connect()
    assert connected
    first = await communicator.receive_json_from(timeout=3)
    assert first["type"] in ("state", "notifications.count"), first
    return communicator


async def reconnects_as(communicator_factory) -> str:
    """Open a fresh socket with the same cookie, as the page does after a 4100."""
    communicator = communicator_factory()
    connected, _ = await communicator.connect()
    assert connected
    output = await communicator.receive_output(timeout=3)
    await communicator.disconnect()
    if output["type"] == "websocket.close":
        return f"closed {output['code']}"
    return "open"


def test_logging_out_in_one_tab_signs_out_that_sessions_sockets_only(student, teacher):
    course = CourseFactory(teacher=teacher)
    course_services.enrollment_enroll(student=student, course=course)
    tab, phone = signed_in(student), signed_in(student)
    tab_session, phone_session = cookie(tab), cookie(phone)

    async def scenario():
        room = await opened(classroom_socket(course, tab_session))
        badge = await opened(badge_socket(tab_session))
        phone_room = await opened(classroom_socket(course, phone_session))
        await database_sync_to_async(tab.post)("/accounts/logout/")
        assert await closed_with(room) == CLOSE_RECONNECT
        assert await closed_with(badge) == CLOSE_RECONNECT
        assert await closed_with(phone_room) == CLOSE_RECONNECT  # asked to check again…
        assert await reconnects_as(lambda: classroom_socket(course, tab_session)) == f"closed {CLOSE_LOGIN_REQUIRED}"
        assert await reconnects_as(lambda: badge_socket(tab_session)) == f"closed {CLOSE_NOT_SIGNED_IN}"
        assert await reconnects_as(lambda: classroom_socket(course, phone_session)) == "open"  # …and let in

    run(scenario)


def test_a_password_change_ends_the_other_sessions_sockets(student, teacher):
    course = CourseFactory(teacher=teacher)
    course_services.enrollment_enroll(student=student, course=course)
    here, elsewhere = signed_in(student), signed_in(student)
    old_here, old_elsewhere = cookie(here), cookie(elsewhere)

    async def scenario():
        room_here = await opened(classroom_socket(course, old_here))
        room_elsewhere = await opened(classroom_socket(course, old_elsewhere))
        response = await database_sync_to_async(here.post)(
            "/accounts/password_change/",
            {"old_password": PASSWORD, "new_password1": "a-new-long-secret-9", "new_password2": "a-new-long-secret-9"},
        )
        assert response.status_code == 302
        assert await closed_with(room_here) == CLOSE_RECONNECT
        assert await closed_with(room_elsewhere) == CLOSE_RECONNECT
        assert await reconnects_as(lambda: classroom_socket(course, old_elsewhere)) == f"closed {CLOSE_LOGIN_REQUIRED}"
        assert await reconnects_as(lambda: classroom_socket(course, cookie(here))) == "open"

    run(scenario)
