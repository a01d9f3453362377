"""Redis killed mid-class under two real server processes, then started again.

When it goes: the open sockets are closed with "try again later" (4013) — they could no longer
hear the other process — so their pages turn to the HTTP fallback. While it is down: pages render,
the fallback saves and serves messages (from either process), a new socket is turned away
cleanly (no 500). Once it is back, without restarting anything: new sockets on both processes
chat across and are handed what they missed.

Runs on both legs: it brings its own ``redis-server`` (the machine's shared one is never stopped).
"""

from __future__ import annotations

import json
import time
import urllib.request
from contextlib import ExitStack
from urllib.error import HTTPError
from urllib.parse import urlencode

import pytest
from django.conf import settings
from playwright.sync_api import expect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from accounts.tests.factories import StudentFactory, TeacherFactory
from classroom.tests.test_cross_process import next_of, open_socket
from courses import services as course_services
from courses.tests.factories import CourseFactory
from elearning.testing.browser import screenshot
from elearning.testing.live import LiveServer
from elearning.testing.redis import RedisServer
from elearning.testing.sockets import session_cookie

pytestmark = pytest.mark.django_db(transaction=True)

CSRF = "r" * 32  # any 32-character secret: the cookie and the header only have to agree
RECOVERY = 30  # seconds: generous; the processes notice within about a second


@pytest.fixture(scope="module")
def rig(django_db_setup, django_db_blocker):
    """A private Redis and two server processes that share only it (and the test database)."""
    with RedisServer() as redis:
        env = {"REDIS_URL": redis.url, "DJANGO_REDIS_PREFIX": "outage"}
        with LiveServer(extra_env=env) as first, LiveServer(extra_env=env) as second:
            yield redis, first, second


def http(server, path, cookie, data=None):
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}; {settings.CSRF_COOKIE_NAME}={CSRF}"}
    body = None
    if data is not None:
        headers["X-CSRFToken"] = CSRF
        body = urlencode(data).encode()
    request = urllib.request.Request(server.url + path, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except HTTPError as error:
        return error.code, error.read().decode()


def chats_across(sender, receiver, text, timeout=2.0) -> bool:
    sender.send(json.dumps({"type": "chat", "message": text}))
    try:
        next_of(receiver, "chat", timeout=timeout, message=text)
    except TimeoutError:
        return False
    return True


def closed_to_try_again(ws, timeout=10.0) -> bool:
    try:
        while True:
            ws.recv(timeout=timeout)
    except ConnectionClosed as closed:
        return closed.rcvd is not None and closed.rcvd.code == 4013
    except TimeoutError:
        return False


def refused_cleanly(server, course, cookie) -> bool:
    """A socket opened while Redis is down is turned away without a server error: the handshake
    is refused (the page sees 1006) or the socket is closed with a code a page retries on."""
    try:
        with connect(
            f"{server.ws_url}/ws/classroom/{course.pk}/",
            origin=server.url,
            additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"},
            open_timeout=20,
        ) as ws:
            while True:
                ws.recv(timeout=20)
    except InvalidStatus as refusal:
        return refusal.response.status_code == 403
    except ConnectionClosed as closed:
        return closed.rcvd is not None and closed.rcvd.code == 4013


def test_redis_outage_fallback_then_recovery_without_restarts(rig):
    redis, first, second = rig
    teacher = TeacherFactory(username="o_teacher")
    course = CourseFactory(teacher=teacher)
    student = StudentFactory(username="o_student")
    course_services.enrollment_enroll(student=student, course=course)
    teacher_cookie, student_cookie = session_cookie(teacher), session_cookie(student)
    messages = f"/courses/{course.pk}/classroom/messages/"

    with ExitStack() as stack:
        teacher_ws, _ = open_socket(stack, first, course, teacher)
        student_ws, _ = open_socket(stack, second, course, student)
        assert chats_across(student_ws, teacher_ws, "before the outage", timeout=10)

        redis.stop()
        # Both open sockets are told to try again later: the page polls over HTTP meanwhile.
        assert closed_to_try_again(teacher_ws)
        assert closed_to_try_again(student_ws)

        # Pages still render on both processes.
        assert http(first, f"/courses/{course.pk}/classroom/", teacher_cookie)[0] == 200
        assert http(second, f"/courses/{course.pk}/classroom/", student_cookie)[0] == 200
        assert http(second, "/accounts/signup/student/", "")[0] == 200
        # The HTTP fallback saves the message, and the other process serves it.
        status, body = http(second, messages, student_cookie, {"message": "sent while Redis is down"})
        assert status == 201, body
        sent = json.loads(body)["message"]
        status, body = http(first, f"{messages}?after={sent['id'] - 1}", teacher_cookie)
        assert status == 200
        assert [m["message"] for m in json.loads(body)["messages"]] == ["sent while Redis is down"]
        # A new socket is turned away cleanly, and the process keeps serving.
        assert refused_cleanly(first, course, teacher_cookie)
        assert http(first, f"{messages}?after=0", teacher_cookie)[0] == 200

        redis.start()

        # New sockets on both processes chat across again, within a generous wait, and are
        # handed what was said while they were away.
        deadline = time.monotonic() + RECOVERY
        while True:
            with ExitStack() as attempt:
                try:
                    new_teacher, state = open_socket(attempt, first, course, teacher)
                    new_student, _ = open_socket(attempt, second, course, student)
                    if chats_across(new_student, new_teacher, "after the outage"):
                        assert "sent while Redis is down" in [m["message"] for m in state["chat"]]
                        assert chats_across(new_teacher, new_student, "and back", timeout=10)
                        break
                except (InvalidStatus, ConnectionClosed, TimeoutError):
                    pass
            assert time.monotonic() < deadline, "the two processes did not chat across again"
            time.sleep(0.5)


@pytest.mark.browser
def test_pages_through_an_outage(rig, browser):
    """In Chromium: a page that was connected when Redis went says it is reconnecting; a page
    opened while Redis is down too, and chats over HTTP; once Redis is back both connect by
    themselves, and the first is handed the message it missed."""
    redis, first, second = rig
    teacher = TeacherFactory(username="p_teacher")
    course = CourseFactory(teacher=teacher)
    student = StudentFactory(username="p_student")
    course_services.enrollment_enroll(student=student, course=course)

    def page_on(server, user):
        context = browser.new_context(base_url=server.url)
        context.set_default_timeout(10_000)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie(user), "url": server.url}])
        page = context.new_page()
        page.goto(f"/courses/{course.pk}/classroom/")
        return page

    teacher_page = page_on(first, teacher)
    expect(teacher_page.locator("#room-status")).to_have_text("Connected")

    redis.stop()
    expect(teacher_page.locator("#room-status")).to_have_text("Reconnecting…")
    student_page = page_on(second, student)
    expect(student_page.locator("#room-status")).to_have_text("Reconnecting…")
    expect(student_page.locator("#room-alert")).to_contain_text("chat is sent over HTTP")
    screenshot(student_page, "classroom-redis-down-1280")
    student_page.fill("#chat-input", "typed while Redis is down")
    student_page.press("#chat-input", "Enter")
    expect(student_page.locator("#chat-log")).to_contain_text("typed while Redis is down")

    redis.start()
    expect(student_page.locator("#room-status")).to_have_text("Connected", timeout=RECOVERY * 1000)
    expect(teacher_page.locator("#chat-log")).to_contain_text("typed while Redis is down", timeout=RECOVERY * 1000)
    expect(teacher_page.locator("#room-status")).to_have_text("Connected", timeout=RECOVERY * 1000)
    teacher_page.fill("#chat-input", "live again across processes")
    teacher_page.press("#chat-input", "Enter")
    expect(student_page.locator("#chat-log")).to_contain_text("live again across processes")
