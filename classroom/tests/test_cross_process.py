"""Two real Daphne processes sharing Redis: what is sent on one arrives on the other."""

from __future__ import annotations

import json
import os
from contextlib import ExitStack

import pytest
from django.conf import settings
from websockets.sync.client import connect

from accounts.tests.factories import StudentFactory, TeacherFactory
from classroom import events, services
from courses import services as course_services
from courses.tests.factories import CourseFactory
from elearning.testing.live import LiveServer
from elearning.testing.sockets import session_cookie

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="needs REDIS_URL: two processes only share groups through Redis (CI's second leg sets it)",
    ),
]


@pytest.fixture(scope="module")
def two_servers(django_db_setup, django_db_blocker):
    with LiveServer() as first, LiveServer() as second:
        yield first, second


def open_socket(stack, server, course, user):
    ws = stack.enter_context(connect(
        f"{server.ws_url}/ws/classroom/{course.pk}/",
        origin=server.url,
        additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_cookie(user)}"},
        open_timeout=10,
    ))
    state = json.loads(ws.recv(timeout=10))
    assert state["type"] == "state"
    state["board"] = [e for _ in range(state["board_pieces"]) for e in json.loads(ws.recv(timeout=10))["elements"]]
    return ws, state


def next_of(ws, kind, timeout=10, **match):
    """The next frame of that type (and with those field values), skipping the rest."""
    while True:
        frame = ws.recv(timeout=timeout)
        if isinstance(frame, bytes):
            if kind == "binary":
                return frame
            continue
        message = json.loads(frame)
        if message["type"] == kind and all(message.get(k) == v for k, v in match.items()):
            return message


def test_chat_board_audio_presence_and_kick_cross_processes(two_servers):
    first, second = two_servers
    teacher = TeacherFactory(username="x_teacher")
    course = CourseFactory(teacher=teacher)
    student = StudentFactory(username="x_student")
    course_services.enrollment_enroll(student=student, course=course)

    with ExitStack() as stack:
        teacher_ws, _ = open_socket(stack, first, course, teacher)
        student_ws, state = open_socket(stack, second, course, student)
        # Presence: the student on process 2 sees the teacher on process 1.
        assert [u["user"] for u in state["online"]] == ["x_teacher", "x_student"]
        assert next_of(teacher_ws, "join")["user"] == "x_teacher"
        assert next_of(teacher_ws, "join")["user"] == "x_student"

        student_ws.send(json.dumps({"type": "chat", "message": "question from process 2"}))
        assert next_of(teacher_ws, "chat")["message"] == "question from process 2"
        teacher_ws.send(json.dumps({"type": "chat", "message": "answer from process 1"}))
        assert next_of(student_ws, "chat", user="x_teacher")["message"] == "answer from process 1"

        teacher_ws.send(json.dumps({"type": "draw", "sid": "x", "tool": "pen", "points": [0.1, 0.2, 0.3, 0.4], "end": True}))
        assert next_of(student_ws, "draw")["points"] == [0.1, 0.2, 0.3, 0.4]
        stored = next_of(student_ws, "draw")
        assert stored["end"] and stored["element"]["points"] == [0.1, 0.2, 0.3, 0.4]

        teacher_ws.send(json.dumps({"type": "audio", "state": "start"}))
        assert next_of(student_ws, "audio_start")["sample_rate"] == 16000
        frames = [bytes([n]) * 1280 for n in range(5)]  # 40 ms each
        for frame in frames:
            teacher_ws.send(frame)
        assert [next_of(student_ws, "binary") for _ in frames] == frames

        # A kick from this (third) process closes the student's socket on process 2.
        services.classroom_kick(course_id=course.pk, user_id=student.pk)
        with pytest.raises(Exception) as closed:
            while True:
                student_ws.recv(timeout=10)
        assert getattr(closed.value, "rcvd", None) is not None and closed.value.rcvd.code == events.CLOSE_REMOVED
        assert next_of(teacher_ws, "leave")["user"] == "x_student"
