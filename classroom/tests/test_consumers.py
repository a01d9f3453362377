"""The classroom socket through the real ASGI stack: who gets in, what is validated, relaying."""

from __future__ import annotations

import asyncio
import json
import os
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.core.exceptions import SynchronousOnlyOperation
from django.db import transaction
from django.utils import timezone

from accounts.tests.factories import StudentFactory, TeacherFactory
from classroom import events, services
from classroom.consumers import ClassroomConsumer, Route
from classroom.models import ChatMessage, Presence, WhiteboardAction
from courses import services as course_services
from courses.models import Course
from courses.tests.factories import CourseFactory

from .helpers import Socket, run

pytestmark = pytest.mark.django_db(transaction=True)

PCM_40MS = b"\x10\x27" * 640  # 640 samples of 10000: 40 ms at 16 kHz


@pytest.fixture
def room():
    teacher = TeacherFactory(username="t_room", full_name="Tess Teacher")
    course = CourseFactory(teacher=teacher)
    student = StudentFactory(username="s_room", full_name="Sam Student")
    course_services.enrollment_enroll(student=student, course=course)
    other = StudentFactory(username="s_other")
    course_services.enrollment_enroll(student=other, course=course)
    return SimpleNamespace(course=course, teacher=teacher, student=student, other=other)


# --- Who gets in ----------------------------------------------------------------------------


def test_refusals_carry_a_close_code_the_page_explains(room):
    outsider = StudentFactory()
    blocked = StudentFactory()
    course_services.enrollment_enroll(student=blocked, course=room.course)
    course_services.roster_block_student(course=room.course, student=blocked, blocked_by=room.teacher)
    left = StudentFactory()
    course_services.enrollment_enroll(student=left, course=room.course)
    course_services.enrollment_unenroll(student=left, course=room.course)
    other_teacher = TeacherFactory()

    async def scenario():
        assert await Socket(room.course.pk).refused_with() == events.CLOSE_LOGIN_REQUIRED
        for user in (outsider, blocked, left, other_teacher):
            assert await Socket(room.course.pk, user).refused_with() == events.CLOSE_FORBIDDEN, user
        assert await Socket(999_999, room.student).refused_with() == events.CLOSE_NOT_FOUND

    run(scenario)
    assert not Presence.objects.exists()


def test_foreign_origin_is_rejected_before_the_handshake(room):
    async def scenario():
        socket = Socket(room.course.pk, room.student, origin="https://evil.example")
        connected, _ = await socket.connect()
        assert not connected

    run(scenario)


def test_entering_sends_history_board_and_online_list_and_announces_the_join(room):
    for n in range(105):
        ChatMessage.objects.create(course=room.course, author=room.teacher, body=f"m{n}")
    services.whiteboard_add(course=room.course, author=room.teacher, element={"tool": "line", "color": "#000000", "width": 3, "points": [0, 0, 1, 1]}, sid="a")

    async def scenario():
        teacher = Socket(room.course.pk, room.teacher)
        state = await teacher.open()
        assert [m["message"] for m in state["chat"]] == [f"m{n}" for n in range(5, 105)]
        assert state["me"] == {"user": "t_room", "name": "Tess Teacher", "teacher": True}
        assert state["may_draw"] is True
        assert [e["points"] for e in state["board"]] == [[0, 0, 1, 1]]
        student = Socket(room.course.pk, room.student, query=f"after={state['chat'][-3]['id']}")
        student_state = await student.open()
        assert [m["message"] for m in student_state["chat"]] == ["m103", "m104"]  # resync: only missed
        assert student_state["may_draw"] is False
        assert [u["user"] for u in student_state["online"]] == ["t_room", "s_room"]
        assert (await teacher.receive_type("join"))["user"] == "t_room"  # its own arrival first
        join = await teacher.receive_type("join")
        assert join == {"type": "join", "user": "s_room", "name": "Sam Student", "role": "student", "photo": "", "initial": "S"}
        await student.close()
        assert (await teacher.receive_type("leave"))["user"] == "s_room"
        await teacher.close()

    run(scenario)
    assert not Presence.objects.exists()


def test_a_resync_point_that_is_not_a_plain_number_sends_the_whole_recent_chat(room):
    ChatMessage.objects.create(course=room.course, author=room.teacher, body="hello")

    async def scenario():
        for query in ("after=%C2%B2", "after=-1", "after=1e3", "after=" + "9" * 19, "after="):
            socket = Socket(room.course.pk, room.student, query=query)
            assert [m["message"] for m in (await socket.open())["chat"]] == ["hello"], query
            await socket.close()

    run(scenario)


def test_online_list_counts_a_person_once_and_forgets_stale_entries(room):
    # A socket of a process that crashed: its row is never deleted, only no longer refreshed.
    Presence.objects.create(course=room.course, user=room.other, channel_name="dead!1", seen_at=timezone.now() - timedelta(hours=1))

    async def scenario():
        first = Socket(room.course.pk, room.student)
        await first.open()
        assert (await first.receive_type("join"))["user"] == "s_room"
        second = Socket(room.course.pk, room.student)
        state = await second.open()
        assert [u["user"] for u in state["online"]] == ["s_room"]
        await second.close()
        assert await first.nothing()  # no "leave": the first tab is still there
        await first.close()

    run(scenario)


# --- Chat -----------------------------------------------------------------------------------


def test_chat_is_saved_then_broadcast_to_everyone(room):
    async def scenario():
        teacher, student = Socket(room.course.pk, room.teacher), Socket(room.course.pk, room.student)
        await teacher.open()
        await student.open()
        await student.send({"type": "chat", "message": "  <b>Hi</b> & welcome  "})
        for socket in (teacher, student):
            message = await socket.receive_type("chat")
            assert message["message"] == "<b>Hi</b> & welcome"  # trimmed, not altered: pages escape
            assert message["user"] == "s_room" and message["name"] == "Sam Student"
        await teacher.close()
        await student.close()

    run(scenario)
    assert list(ChatMessage.objects.values_list("body", flat=True)) == ["<b>Hi</b> & welcome"]


def test_relaying_to_many_sockets_makes_no_trip_to_the_database_thread(room, monkeypatch):
    """Channels' own dispatch runs close_old_connections() on the process's one database thread
    before every handler: a trip per socket per relayed message (see elearning.consumers)."""
    import channels.db

    users = [room.teacher, room.student, room.other]
    for student in StudentFactory.create_batch(3):
        course_services.enrollment_enroll(student=student, course=room.course)
        users.append(student)

    async def scenario():
        sockets = [Socket(room.course.pk, user) for user in users]
        for socket in sockets:
            await socket.open()
        trips = []
        monkeypatch.setattr(channels.db, "close_old_connections", lambda: trips.append(1))
        await get_channel_layer().group_send(
            events.room_group(room.course.pk), events.relay(events.CHAT, {"type": "chat", "message": "relayed"})
        )
        for socket in sockets:
            assert (await socket.receive_type("chat"))["message"] == "relayed"
        assert trips == []
        monkeypatch.undo()
        for socket in sockets:
            await socket.close()

    run(scenario)


# --- Blocking calls ---------------------------------------------------------------------------


def test_consumer_tests_run_with_djangos_async_safety_check():
    """Only the browser tests switch the check off (conftest.playwright_instance)."""
    assert not os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")


@pytest.mark.parametrize("blocking", [True, False], ids=["blocking", "through the database thread"])
def test_a_handler_that_blocks_on_the_database_is_caught(room, monkeypatch, blocking, expect_handler_failures):
    """A query made straight from a handler would stall every socket of the process; Django
    refuses it. The socket survives (an error frame), and conftest's fail_on_handler_exceptions
    fails any test where that happens unexpectedly. The same query through
    database_sync_to_async is fine (the control: the failure comes from the blocking call)."""

    async def ping_with_course_count(consumer, message):
        count = Course.objects.count() if blocking else await database_sync_to_async(Course.objects.count)()
        await consumer.send_json({"type": "pong", "courses": count})

    monkeypatch.setitem(ClassroomConsumer.ROUTES, "ping", Route("other", ping_with_course_count))

    async def scenario():
        socket = Socket(room.course.pk, room.student)
        await socket.open()
        await socket.send({"type": "ping"})
        if blocking:
            assert (await socket.receive_type("error"))["code"] == "server_error"
        else:
            assert (await socket.receive_type("pong"))["courses"] == 1
        await socket.close()

    run(scenario)
    assert [type(r.exc_info[1]) for r in expect_handler_failures] == ([SynchronousOnlyOperation] if blocking else [])


def test_every_message_type_has_a_route_and_a_permission_rule():
    from classroom import permissions, protocol

    assert set(ClassroomConsumer.ROUTES) == set(protocol.PARSERS)
    assert set(permissions.RULES) == set(protocol.PARSERS) | {"audio_data"}
    assert {route.bucket for route in ClassroomConsumer.ROUTES.values()} <= {"chat", "board", "other"}


def test_online_frames_are_shared_for_a_moment_then_read_again(monkeypatch):
    from classroom import online

    now = [100.0]
    monkeypatch.setattr(online.time, "monotonic", lambda: now[0])
    frames = online.OnlineFrames(reuse=2.0)
    assert frames.get(7) is None
    text = frames.put(7, [{"user": "ann", "name": "Ann", "role": "student"}])
    assert json.loads(text) == {"type": "online", "online": [{"user": "ann", "name": "Ann", "role": "student"}]}
    now[0] += 1.9
    assert frames.get(7) == text and frames.get(8) is None
    now[0] += 0.2
    assert frames.get(7) is None
    for course_id in range(200):  # quiet classrooms are forgotten
        now[0] += 0.1
        frames.put(course_id, [])
    assert len(frames.frames) <= 101


INVALID_FRAMES = [
    ("not json", "bad_json"),
    ("[1, 2]", "bad_json"),
    ('{"type": 5}', "unknown_type"),
    ('{"type": "shout"}', "unknown_type"),
    ('{"type": "chat"}', "invalid"),
    ('{"type": "chat", "message": 42}', "invalid"),
    ('{"type": "chat", "message": "   "}', "invalid"),
    (json.dumps({"type": "chat", "message": "x" * 5001}), "too_long"),
    (json.dumps({"type": "chat", "message": "x" * 70_000}), "too_large"),
    ('{"type": "draw", "sid": "a", "tool": "pen", "points": [0.5, NaN]}', "invalid"),
    ('{"type": "draw", "sid": "a", "tool": "pen", "points": [0.5, 1.5]}', "invalid"),
    ('{"type": "draw", "sid": "a", "tool": "pen", "points": [0.5]}', "invalid"),
    ('{"type": "draw", "sid": "a", "tool": "pen", "points": [true, 0]}', "invalid"),
    ('{"type": "draw", "sid": "a", "tool": "spray", "points": []}', "invalid"),
    ('{"type": "draw", "sid": "../x", "tool": "pen", "points": []}', "invalid"),
    ('{"type": "draw", "sid": "a", "tool": "pen", "color": "red", "points": []}', "invalid"),
    ('{"type": "draw", "sid": "a", "tool": "pen", "width": 1000, "points": []}', "invalid"),
    ('{"type": "draw", "sid": "a", "tool": "text", "text": "", "points": [0, 0]}', "invalid"),
    (json.dumps({"type": "draw", "sid": "a", "tool": "pen", "points": [0.1] * 514}), "invalid"),
    ('{"type": "move", "id": "1", "dx": 0, "dy": 0}', "invalid"),
    ('{"type": "audio", "state": "loud"}', "invalid"),
    ('{"type": "draw_permission", "all": "yes"}', "invalid"),
    ("[" * 100_00 + "]" * 100_00, "bad_json"),
]

BIG = "9" * 400  # an integer float() and math.isfinite() cannot take (OverflowError)
# Frames that raised inside the consumer before (the socket died with 1011 and left a ghost).
DANGEROUS_FRAMES = [
    '{"type": "draw", "sid": "a", "tool": "pen", "points": [%s, 0.5]}' % BIG,
    '{"type": "draw", "sid": "a", "tool": "pen", "points": [-%s, 0.5]}' % BIG,
    '{"type": "move", "id": 1, "dx": %s, "dy": 0}' % BIG,
    '{"type": "move", "id": %s, "dx": 0, "dy": 0}' % BIG,
    '{"type": "draw", "sid": "a", "tool": "pen", "width": %s, "points": []}' % BIG,
    '{"type": "draw", "sid": "a", "tool": "text", "size": %s, "text": "x", "points": [0, 0]}' % BIG,
    '{"type": "chat", "message": "\\ud800"}',
    '{"type": "chat", "message": "hi \\udfff there"}',
    '{"type": "chat", "message": "a\\u0000b"}',
    '{"type": "draw", "sid": "a", "tool": "text", "text": "\\ud800", "points": [0, 0]}',
    '{"type": "draw", "sid": "a", "tool": "text", "text": "x\\u0000", "points": [0, 0]}',
    '{"type": "draw_permission", "user": "s_room\\u0000", "allowed": true}',
    '{"type": "draw_permission", "user": "\\ud800", "allowed": true}',
    '{"type": "draw", "sid": "a\\n", "tool": "pen", "points": []}',
    '{"type": "draw", "sid": "a", "tool": "pen", "color": "#000000\\n", "points": []}',
]


def test_invalid_frames_get_an_error_and_the_socket_stays_usable(room, settings):
    settings.CLASSROOM_RATE_LIMITS = {**settings.CLASSROOM_RATE_LIMITS, "other": (10, 1000)}
    settings.CLASSROOM_USER_RATE_LIMITS = {**settings.CLASSROOM_USER_RATE_LIMITS, "other": (1000, 60)}

    async def scenario():
        teacher = Socket(room.course.pk, room.teacher)
        await teacher.open()
        for frame, code in INVALID_FRAMES:
            await teacher.send(frame)
            error = await teacher.receive_type("error")
            assert (error["code"], bool(error["message"])) == (code, True), frame[:80]
            await teacher.send({"type": "ping"})
            assert await teacher.receive_type("pong") == {"type": "pong"}
        await teacher.close()

    run(scenario)
    assert not ChatMessage.objects.exists() and not WhiteboardAction.objects.exists()


def test_frames_that_used_to_kill_the_socket_get_an_error_and_leave_no_ghost(room, settings):
    """400-digit numbers, lone surrogates, NUL characters (and sid/color with a trailing line
    break): refused by protocol.safe_number/safe_text, the socket answers on, nothing stored,
    and its presence row goes with it. On both databases (the PostgreSQL leg: NUL)."""
    settings.CLASSROOM_RATE_LIMITS = {**settings.CLASSROOM_RATE_LIMITS, "board": (10, 1000), "other": (10, 1000)}
    settings.CLASSROOM_USER_RATE_LIMITS = {key: (1000, 60) for key in settings.CLASSROOM_USER_RATE_LIMITS}

    async def scenario():
        teacher = Socket(room.course.pk, room.teacher)
        await teacher.open()
        for frame in DANGEROUS_FRAMES:
            await teacher.send(frame)
            error = await teacher.receive_type("error")
            assert error["code"] == "invalid" and error["message"], frame[:80]
            await teacher.send({"type": "ping"})
            assert await teacher.receive_type("pong") == {"type": "pong"}, frame[:80]
        await teacher.send({"type": "chat", "message": "still here"})
        assert (await teacher.receive_type("chat"))["message"] == "still here"
        assert await database_sync_to_async(Presence.objects.count)() == 1
        await teacher.close()

    run(scenario)
    assert list(ChatMessage.objects.values_list("body", flat=True)) == ["still here"]
    assert not WhiteboardAction.objects.exists() and not Presence.objects.exists()


def test_the_http_chat_fallback_refuses_the_same_text(room, client):
    client.force_login(room.student)
    url = f"/courses/{room.course.pk}/classroom/messages/"
    for body in ("a\x00b",):  # a form cannot carry a lone surrogate (decoded with replacement)
        response = client.post(url, {"message": body})
        assert response.status_code == 400 and response.json()["error"]
    from classroom.forms import ChatForm

    assert not ChatForm({"message": "\ud800"}).is_valid()
    assert not ChatMessage.objects.exists()


def test_an_unexpected_exception_in_a_handler_is_answered_and_the_socket_stays(room, monkeypatch, expect_handler_failures):
    async def broken_chat(consumer, message):
        raise RuntimeError("injected fault")

    monkeypatch.setitem(ClassroomConsumer.ROUTES, "chat", Route("chat", broken_chat))

    async def scenario():
        student, teacher = Socket(room.course.pk, room.student), Socket(room.course.pk, room.teacher)
        await teacher.open()
        await student.open()
        await student.send({"type": "chat", "message": "boom"})
        assert (await student.receive_type("error"))["code"] == "server_error"
        await student.send({"type": "ping"})
        assert await student.receive_type("pong") == {"type": "pong"}
        await student.close()
        assert (await teacher.receive_type("leave"))["user"] == "s_room"  # its cleanup ran
        await teacher.close()

    run(scenario)
    assert [str(r.exc_info[1]) for r in expect_handler_failures] == ["injected fault"]
    assert not Presence.objects.exists()


def _live_heartbeats() -> list:
    return [
        task for task in asyncio.all_tasks()
        if not task.done() and getattr(task.get_coro(), "__qualname__", "") == "ClassroomConsumer._heartbeat"
    ]


def test_a_socket_ended_by_an_exception_still_cleans_up(room, monkeypatch):
    """The handshake fails after the socket joined its groups, started its heartbeat and was
    recorded as present (the state could not be read): the consumer dies, and its cleanup
    (SiteConsumer.release) still removes the presence row and cancels the heartbeat."""
    from classroom import selectors

    def failing_state(**kwargs):
        raise RuntimeError("the state could not be read")

    monkeypatch.setattr(selectors, "classroom_state", failing_state)

    async def scenario():
        socket = Socket(room.course.pk, room.student)
        connected, _ = await socket.connect()
        assert connected
        with pytest.raises(RuntimeError, match="could not be read"):
            await socket.communicator.receive_output(timeout=3)
        await asyncio.sleep(0)
        assert _live_heartbeats() == []
        assert await database_sync_to_async(Presence.objects.count)() == 0

    run(scenario)
    assert not Presence.objects.exists()


def test_a_failing_layer_event_is_logged_and_the_socket_stays(room, expect_handler_failures):
    async def scenario():
        student = Socket(room.course.pk, room.student)
        await student.open()
        assert len(_live_heartbeats()) == 1
        layer, group = get_channel_layer(), events.room_group(room.course.pk)
        await layer.group_send(group, {"type": "classroom.permission", "message": {}})
        await layer.group_send(group, events.relay(events.CHAT, {"type": "chat", "message": "after it"}))
        assert (await student.receive_type("chat"))["message"] == "after it"  # in order, so the first ran
        await student.send({"type": "ping"})
        assert await student.receive_type("pong") == {"type": "pong"}
        await student.close()
        assert _live_heartbeats() == []

    run(scenario)
    assert [type(r.exc_info[1]) for r in expect_handler_failures] == [KeyError]
    assert not Presence.objects.exists()


def test_chat_flood_is_rate_limited_and_a_relentless_flood_is_disconnected(room, settings):
    settings.CLASSROOM_RATE_LIMITS = {**settings.CLASSROOM_RATE_LIMITS, "chat": (0.01, 5), "other": (1000, 1000)}
    settings.CLASSROOM_USER_RATE_LIMITS = {**settings.CLASSROOM_USER_RATE_LIMITS, "other": (1000, 60)}
    settings.CLASSROOM_FLOOD_CLOSE_AFTER = 20

    async def scenario():
        student = Socket(room.course.pk, room.student)
        await student.open()
        for n in range(8):
            await student.send({"type": "chat", "message": f"spam {n}"})
        error = await student.receive_type("error")
        assert error["code"] == "rate_limited"
        for n in range(30):
            await student.send({"type": "chat", "message": f"more {n}"})
        assert await student.closed_with() == events.CLOSE_FLOOD
        # Refusals used to be counted "in a row": one admitted frame (here a ping, of another
        # bucket; or every third frame of a client at 3x its rate) reset the count, for ever.
        again = Socket(room.course.pk, room.student)
        await again.open()
        for n in range(60):
            await again.send({"type": "chat", "message": f"again {n}"})
            await again.send({"type": "ping"})
        assert await again.closed_with() == events.CLOSE_FLOOD

    run(scenario)
    assert ChatMessage.objects.count() == 10


def test_all_of_a_users_sockets_share_one_rate_limit(room, settings):
    """Ten sockets used to mean ten times the per-socket limit (8,220 strokes in 10 s)."""
    settings.CLASSROOM_RATE_LIMITS = {**settings.CLASSROOM_RATE_LIMITS, "board": (1000, 1000)}
    settings.CLASSROOM_USER_RATE_LIMITS = {**settings.CLASSROOM_USER_RATE_LIMITS, "board": (10, 60)}

    async def scenario():
        sockets = [Socket(room.course.pk, room.teacher) for _ in range(3)]
        for socket in sockets:
            await socket.open()
        for n in range(8):
            for k, socket in enumerate(sockets):
                await socket.send({"type": "draw", "sid": f"s{k}n{n}", "tool": "line", "points": [0, 0, 1, 1], "end": True})
        for socket in sockets:
            assert (await socket.receive_type("error"))["code"] == "rate_limited"
            await socket.send({"type": "ping"})
            await socket.receive_type("pong")  # every stroke before it has been handled
        # Another user's sockets have their own allowance.
        await database_sync_to_async(services.draw_permission_set)(course=room.course, everyone=True, username=None, allowed=None)
        student = Socket(room.course.pk, room.student)
        await student.open()
        await student.send({"type": "draw", "sid": "mine", "tool": "line", "points": [0, 0, 1, 1], "end": True})
        assert (await student.receive_type("draw"))["element"]["user"] == "s_room"
        for socket in (*sockets, student):
            await socket.close()

    run(scenario)
    assert WhiteboardAction.objects.filter(author=room.teacher).count() == 10


def test_the_shared_limit_lets_frames_through_while_the_cache_is_down(room, settings):
    async def scenario():
        student = Socket(room.course.pk, room.student)
        await student.open()
        # Nothing listens on port 9: every cache call fails at once.
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}}
        await student.send({"type": "chat", "message": "cache or not"})
        assert (await student.receive_type("chat"))["message"] == "cache or not"
        await student.close()

    run(scenario)


def test_a_user_may_open_only_so_many_classroom_sockets_a_minute(room, settings):
    """A script reconnecting as fast as it is closed is refused from the cache, before the
    database; others are not affected."""
    settings.CLASSROOM_HANDSHAKES_PER_MINUTE = 3

    async def scenario():
        for _ in range(3):
            socket = Socket(room.course.pk, room.student)
            await socket.open()
            await socket.close()
        assert await Socket(room.course.pk, room.student).refused_with() == events.CLOSE_FLOOD
        teacher = Socket(room.course.pk, room.teacher)
        await teacher.open()
        await teacher.close()

    run(scenario)
    assert not Presence.objects.exists()


def test_a_user_may_open_only_so_many_classroom_sockets(room, settings):
    settings.CLASSROOM_MAX_SOCKETS_PER_USER = 2
    other_course = CourseFactory(teacher=room.teacher)
    course_services.enrollment_enroll(student=room.student, course=other_course)

    async def scenario():
        first, second = Socket(room.course.pk, room.student), Socket(other_course.pk, room.student)
        await first.open()
        await second.open()  # all classrooms together
        assert await Socket(room.course.pk, room.student).refused_with() == events.CLOSE_TOO_MANY_SOCKETS
        assert await Socket(other_course.pk, room.student).refused_with() == events.CLOSE_TOO_MANY_SOCKETS
        teacher = Socket(room.course.pk, room.teacher)  # others are not affected
        await teacher.open()
        await second.close()
        third = Socket(room.course.pk, room.student)  # a closed socket frees its place
        await third.open()
        for socket in (first, third, teacher):
            await socket.close()

    run(scenario)
    assert not Presence.objects.exists()


@pytest.mark.parametrize("kind", ["bad json", "unknown type", "bad payload", "binary"])
def test_invalid_and_binary_frames_count_toward_the_flood_close(room, settings, kind):
    settings.CLASSROOM_RATE_LIMITS = {**settings.CLASSROOM_RATE_LIMITS, "other": (0.01, 5), "audio": (0.01, 5)}
    settings.CLASSROOM_FLOOD_CLOSE_AFTER = 20
    frame = {"bad json": "{", "unknown type": '{"type": "shout"}', "bad payload": '{"type": "audio", "state": "x"}'}.get(kind)

    async def scenario():
        student = Socket(room.course.pk, room.student)
        await student.open()
        for _ in range(40):
            if frame is None:
                await student.send_bytes(PCM_40MS)  # a student may not send audio at all
            else:
                await student.send(frame)
        assert await student.closed_with() == events.CLOSE_FLOOD
        await student.close()

    run(scenario)
    assert not Presence.objects.exists()


# --- One classroom never reaches another --------------------------------------------------


async def drain(socket) -> list[dict]:
    """Everything the socket has been sent until it falls quiet."""
    received = []
    while not await socket.nothing(timeout=0.3):
        received.append(await socket.communicator.receive_output())
    return received


def test_chat_board_presence_audio_and_kicks_stay_in_their_own_classroom(room):
    """Two courses side by side, with one student in both: everything that happens in the first
    classroom reaches its sockets and none of the second's, and the other way round."""
    other_teacher = TeacherFactory(username="t_next")
    other_course = CourseFactory(teacher=other_teacher)
    only_next = StudentFactory(username="s_next")
    for student in (room.student, only_next):
        course_services.enrollment_enroll(student=student, course=other_course)

    async def scenario():
        there = [Socket(other_course.pk, user) for user in (other_teacher, only_next, room.student)]
        for socket in there:
            await socket.open()
        for socket in there:
            await drain(socket)  # their own joins
        teacher, student, both = (Socket(room.course.pk, user) for user in (room.teacher, room.other, room.student))
        for socket in (teacher, student, both):
            await socket.open()

        await student.send({"type": "chat", "message": "only here"})
        assert (await teacher.receive_type("chat"))["message"] == "only here"
        await teacher.send({"type": "draw", "sid": "p", "tool": "pen", "points": [0.1, 0.1, 0.2, 0.2]})
        assert (await student.receive_type("draw"))["end"] is False
        await teacher.send({"type": "draw", "sid": "p", "tool": "pen", "points": [0.3, 0.3], "end": True})
        assert (await student.receive_type("draw"))["end"] is False  # the last live piece
        element = (await student.receive_type("draw"))["element"]
        await teacher.send({"type": "move", "id": element["id"], "dx": 0.1, "dy": 0.1})
        assert (await student.receive_type("move"))["id"] == element["id"]
        await teacher.send({"type": "undo"})
        assert (await student.receive_type("undo"))["id"] == element["id"]
        await teacher.send({"type": "clear"})
        await student.receive_type("clear")
        await teacher.send({"type": "draw_permission", "all": True})
        assert (await student.receive_type("draw_permission"))["may_draw"] is True
        await teacher.send({"type": "audio", "state": "start"})
        await student.receive_type("audio_start")
        await teacher.send_bytes(PCM_40MS)
        assert await student.receive_bytes() == PCM_40MS
        await teacher.send({"type": "audio", "state": "stop"})
        await student.receive_type("audio_stop")
        await database_sync_to_async(services.classroom_kick)(course_id=room.course.pk, user_id=room.student.pk)
        assert await both.closed_with() == events.CLOSE_REMOVED
        await both.close()
        await student.close()
        assert {(await teacher.receive_type("leave"))["user"] for _ in range(2)} == {"s_room", "s_other"}

        for socket in there:
            assert await drain(socket) == [], socket.user.username

        # …and the other way round: the second classroom's chat and board stay there.
        await there[1].send({"type": "chat", "message": "only there"})
        assert (await there[0].receive_type("chat"))["message"] == "only there"
        await there[0].send({"type": "draw", "sid": "q", "tool": "line", "points": [0, 0, 1, 1], "end": True})
        assert (await there[1].receive_type("draw"))["end"] is True
        assert await drain(teacher) == []
        # The student kicked out of the first classroom is still in the second.
        await there[2].send({"type": "ping"})
        assert await there[2].receive_type("pong") == {"type": "pong"}
        for socket in (*there, teacher):
            await socket.close()

    run(scenario)
    assert list(ChatMessage.objects.filter(course=room.course).values_list("body", flat=True)) == ["only here"]
    assert list(ChatMessage.objects.filter(course=other_course).values_list("body", flat=True)) == ["only there"]


# --- Kick -----------------------------------------------------------------------------------


def test_kick_closes_every_socket_of_that_student_and_no_one_else(room):
    async def scenario():
        tab1, tab2 = Socket(room.course.pk, room.student), Socket(room.course.pk, room.student)
        other, teacher = Socket(room.course.pk, room.other), Socket(room.course.pk, room.teacher)
        for socket in (tab1, tab2, other, teacher):
            await socket.open()
        await database_sync_to_async(services.classroom_kick)(course_id=room.course.pk, user_id=room.student.pk)
        assert await tab1.closed_with() == events.CLOSE_REMOVED
        assert await tab2.closed_with() == events.CLOSE_REMOVED
        await tab1.close()  # the browser answers the close; Daphne then reports the disconnect
        await tab2.close()
        leave = await teacher.receive_type("leave")
        assert leave["user"] == "s_room"
        await other.send({"type": "ping"})
        assert (await other.receive_type("pong"))["type"] == "pong"
        await other.close()
        await teacher.close()

    run(scenario)


def test_blocking_removing_and_unenrolling_close_that_students_classroom(room):
    """Through the courses services the teacher and students actually use."""
    third = StudentFactory(username="s_third")
    course_services.enrollment_enroll(student=third, course=room.course)

    async def scenario():
        sockets = {}
        for user in (room.student, room.other, third, room.teacher):
            sockets[user.username] = Socket(room.course.pk, user)
            await sockets[user.username].open()
        actions = [
            (room.student, lambda: course_services.roster_block_student(course=room.course, student=room.student, blocked_by=room.teacher)),
            (room.other, lambda: course_services.roster_remove_student(course=room.course, student=room.other)),
            (third, lambda: course_services.enrollment_unenroll(student=third, course=room.course)),
        ]
        for user, action in actions:
            await database_sync_to_async(action)()
            assert await sockets[user.username].closed_with() == events.CLOSE_REMOVED, user.username
            await sockets[user.username].close()
            # …and they cannot come back in.
            assert await Socket(room.course.pk, user).refused_with() == events.CLOSE_FORBIDDEN
        await sockets["t_room"].send({"type": "ping"})
        assert (await sockets["t_room"].receive_type("pong"))["type"] == "pong"
        await sockets["t_room"].close()

    run(scenario)


def test_closing_the_course_closes_its_students_sockets_and_keeps_the_teacher(room):
    """The teacher unticks "active" (courses.services.course_update): the students are told the
    course is closed (4410) and cannot come back; the teacher stays (permissions.can_enter)."""

    async def scenario():
        student, teacher = Socket(room.course.pk, room.student), Socket(room.course.pk, room.teacher)
        await student.open()
        await teacher.open()
        await database_sync_to_async(course_services.course_update)(course=room.course, is_active=False)
        assert await student.closed_with() == events.CLOSE_COURSE_CLOSED
        await student.close()
        assert await Socket(room.course.pk, room.student).refused_with() == events.CLOSE_COURSE_CLOSED
        await teacher.send({"type": "ping"})
        assert (await teacher.receive_type("pong"))["type"] == "pong"
        await teacher.close()
        again = Socket(room.course.pk, room.teacher)
        await again.open()
        await again.close()

    run(scenario)


def test_an_account_blocked_by_an_admin_leaves_every_classroom_at_once(room):
    from accounts.services import user_set_blocked

    async def scenario():
        student, teacher = Socket(room.course.pk, room.student), Socket(room.course.pk, room.teacher)
        await student.open()
        await teacher.open()
        await database_sync_to_async(user_set_blocked)(user=room.student, blocked=True)
        assert await student.closed_with() == events.CLOSE_REMOVED
        await student.close()
        await teacher.send({"type": "ping"})
        assert (await teacher.receive_type("pong"))["type"] == "pong"
        await teacher.close()

    run(scenario)


def test_deleting_the_course_closes_its_classroom(room):
    async def scenario():
        socket = Socket(room.course.pk, room.student)
        await socket.open()
        await database_sync_to_async(course_services.course_delete)(course=room.course)
        assert await socket.closed_with() == events.CLOSE_NOT_FOUND
        await socket.close()

    run(scenario)


def test_ending_a_classroom_closes_every_socket_in_it(room):
    async def scenario():
        sockets = [Socket(room.course.pk, user) for user in (room.teacher, room.student)]
        for socket in sockets:
            await socket.open()
        await database_sync_to_async(services.classroom_end)(course_id=room.course.pk)
        for socket in sockets:
            assert await socket.closed_with() == events.CLOSE_NOT_FOUND
            await socket.close()

    run(scenario)


def test_kick_swallows_channel_layer_failures(room, monkeypatch, caplog):
    class DeadLayer:
        async def group_send(self, group, message):
            raise ConnectionError("redis is down")

    monkeypatch.setattr("elearning.realtime.get_channel_layer", lambda: DeadLayer())
    services.classroom_kick(course_id=room.course.pk, user_id=room.student.pk)  # no exception
    assert "could not send ['classroom.kick']" in caplog.text


def test_kick_waits_for_the_commit(room, monkeypatch):
    sent = []
    monkeypatch.setattr("elearning.realtime.group_send_now", lambda messages: sent.extend(messages.items()))
    with transaction.atomic():
        services.classroom_kick(course_id=room.course.pk, user_id=room.student.pk)
        assert sent == []
    assert sent == [(f"classroom.{room.course.pk}.user.{room.student.pk}", {"type": "classroom.kick"})]
    with pytest.raises(RuntimeError), transaction.atomic():
        services.classroom_kick(course_id=room.course.pk, user_id=room.other.pk)
        raise RuntimeError("rolled back")
    assert len(sent) == 1


# --- Whiteboard -----------------------------------------------------------------------------


def test_strokes_arrive_live_are_stored_whole_and_reach_late_joiners(room):
    async def scenario():
        teacher, student = Socket(room.course.pk, room.teacher), Socket(room.course.pk, room.student)
        await teacher.open()
        await student.open()
        piece = {"type": "draw", "sid": "s1", "tool": "pen", "color": "#FF0000", "width": 5}
        await teacher.send({**piece, "points": [0.1, 0.1, 0.2, 0.2]})
        live = await student.receive_type("draw")
        assert live["end"] is False and live["points"] == [0.1, 0.1, 0.2, 0.2] and live["user"] == "t_room"
        await teacher.send({**piece, "points": [0.3, 0.35], "end": True})
        assert (await student.receive_type("draw"))["points"] == [0.3, 0.35]
        done = await student.receive_type("draw")
        assert done["end"] is True and done["sid"] == "s1"
        element = done["element"]
        assert element["points"] == [0.1, 0.1, 0.2, 0.2, 0.3, 0.35] and element["color"] == "#ff0000"
        mine = await teacher.receive_type("draw")  # the author gets only the stored element back
        assert mine["end"] is True and mine["element"] == element
        late = Socket(room.course.pk, room.other)
        assert (await late.open())["board"] == [element]
        for socket in (teacher, student, late):
            await socket.close()

    run(scenario)


def test_a_stroke_cut_off_by_a_lost_connection_is_kept_as_far_as_it_was_seen(room):
    async def scenario():
        teacher, student = Socket(room.course.pk, room.teacher), Socket(room.course.pk, room.student)
        await teacher.open()
        await student.open()
        await teacher.send({"type": "draw", "sid": "cut", "tool": "pen", "color": "#000000", "width": 3, "points": [0.1, 0.1, 0.4, 0.5]})
        assert (await student.receive_type("draw"))["end"] is False
        await teacher.close()  # mid-stroke
        done = await student.receive_type("draw")
        assert done["end"] is True and done["sid"] == "cut" and done["element"]["points"] == [0.1, 0.1, 0.4, 0.5]
        late = Socket(room.course.pk, room.other)
        assert [e["points"] for e in (await late.open())["board"]] == [[0.1, 0.1, 0.4, 0.5]]
        for socket in (student, late):
            await socket.close()

    run(scenario)


def test_board_is_bounded_and_undo_move_clear_reach_everyone(room, settings):
    settings.CLASSROOM_BOARD_MAX_ACTIONS = 3

    async def scenario():
        teacher, student = Socket(room.course.pk, room.teacher), Socket(room.course.pk, room.student)
        await teacher.open()
        await student.open()
        ids = []
        for n in range(5):
            await teacher.send({"type": "draw", "sid": f"l{n}", "tool": "line", "points": [0, 0, n / 10, 1], "end": True})
            ids.append((await student.receive_type("draw"))["element"]["id"])
        late = Socket(room.course.pk, room.other)
        assert [e["id"] for e in (await late.open())["board"]] == ids[2:]  # oldest dropped
        await teacher.send({"type": "move", "id": ids[4], "dx": 0.25, "dy": -0.5})
        assert await student.receive_type("move") == {"type": "move", "id": ids[4], "dx": 0.25, "dy": -0.5}
        await teacher.send({"type": "undo"})
        assert await student.receive_type("undo") == {"type": "undo", "id": ids[4]}
        await teacher.send({"type": "text", "sid": "x"})  # unknown type does nothing
        await teacher.send({"type": "clear"})
        assert await student.receive_type("clear") == {"type": "clear"}
        for socket in (teacher, student, late):
            await socket.close()

    run(scenario)
    assert not WhiteboardAction.objects.exists()


def test_students_draw_only_when_the_teacher_lets_them(room):
    async def scenario():
        teacher, student = Socket(room.course.pk, room.teacher), Socket(room.course.pk, room.student)
        await teacher.open()
        await student.open()
        stroke = {"type": "draw", "sid": "k", "tool": "line", "points": [0, 0, 1, 1], "end": True}
        for frame in (stroke, {"type": "clear"}, {"type": "move", "id": 1, "dx": 0, "dy": 0}, {"type": "undo"},
                      {"type": "draw_permission", "all": True}, {"type": "audio", "state": "start"}):
            await student.send(frame)
            assert (await student.receive_type("error"))["code"] == "not_allowed", frame
        await teacher.send({"type": "draw_permission", "user": "s_room", "allowed": True})
        granted = await student.receive_type("draw_permission")
        assert granted["users"] == ["s_room"] and granted["may_draw"] is True
        await student.send(stroke)
        assert (await teacher.receive_type("draw"))["element"]["user"] == "s_room"
        await student.send({"type": "clear"})  # still the teacher's alone
        assert (await student.receive_type("error"))["code"] == "not_allowed"
        await teacher.send({"type": "draw_permission", "user": "nobody", "allowed": True})
        assert (await teacher.receive_type("error"))["code"] == "invalid"
        await teacher.send({"type": "draw_permission", "user": "s_room", "allowed": False})
        assert (await student.receive_type("draw_permission"))["may_draw"] is False
        await student.send(stroke)
        assert (await student.receive_type("error"))["code"] == "not_allowed"
        for socket in (teacher, student):
            await socket.close()

    run(scenario)
    assert WhiteboardAction.objects.count() == 1


# --- Audio ----------------------------------------------------------------------------------


def test_teacher_audio_is_relayed_as_binary_and_only_the_teacher_may_send(room):
    async def scenario():
        teacher, student = Socket(room.course.pk, room.teacher), Socket(room.course.pk, room.student)
        await teacher.open()
        await student.open()
        await teacher.send({"type": "audio", "state": "start"})
        assert (await student.receive_type("audio_start"))["sample_rate"] == 16000
        await teacher.send_bytes(PCM_40MS)
        assert await student.receive_bytes() == PCM_40MS
        late = Socket(room.course.pk, room.other)
        assert (await late.open())["audio"] is True
        await late.receive_type("join")
        for bad in (b"\x00" * 100, b"\x00" * 3202, b"\x00" * 641):
            await teacher.send_bytes(bad)
            assert (await teacher.receive_type("error"))["code"] == "bad_audio"
        await student.send_bytes(PCM_40MS)
        assert (await student.receive_type("error"))["code"] == "not_allowed"
        assert await late.nothing()  # nothing from the student was relayed
        await teacher.close()  # the teacher leaving ends the broadcast
        assert (await student.receive_type("audio_stop")) == {"type": "audio_stop"}
        await student.close()
        await late.close()

    run(scenario)


def test_a_listener_that_fell_behind_skips_old_audio(room, settings):
    settings.CLASSROOM_AUDIO_MAX_LAG = 0.5

    async def scenario():
        student = Socket(room.course.pk, room.student)
        await student.open()
        channel = (await database_sync_to_async(Presence.objects.get)(user=room.student)).channel_name
        layer = get_channel_layer()
        stale = {"type": events.AUDIO, "data": b"\x01\x00" * 640, "ts": time.time() - 2, "sender": "x"}
        fresh = {"type": events.AUDIO, "data": b"\x02\x00" * 640, "ts": time.time(), "sender": "x"}
        await layer.send(channel, stale)
        await layer.send(channel, fresh)
        assert await student.receive_bytes() == fresh["data"]  # the stale frame was skipped
        await student.close()

    run(scenario)
