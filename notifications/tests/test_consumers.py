"""The badge socket through the real ASGI stack (origin check, session auth, channel layer)."""

import json

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels.db import database_sync_to_async

from accounts.tests.factories import StudentFactory
from courses import notices
from courses.tests.factories import CourseFactory
from elearning.testing.sockets import communicator_for
from notifications import services
from notifications.consumers import CLOSE_NOT_SIGNED_IN
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db(transaction=True)
PATH = "/ws/notifications/"


async def socket(user=None, origin="http://127.0.0.1"):
    return await communicator_for(PATH, user, origin=origin)


async def closed_with(communicator) -> int:
    while True:
        output = await communicator.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            return output["code"]


def test_anonymous_and_blocked_accounts_are_closed_with_a_final_code():
    blocked = StudentFactory(is_blocked=True)

    async def scenario():
        for communicator in (await socket(), await socket(blocked)):
            connected, _ = await communicator.connect()
            assert connected
            assert await closed_with(communicator) == CLOSE_NOT_SIGNED_IN

    async_to_sync(scenario)()


def test_a_foreign_origin_is_refused(teacher):
    async def scenario():
        connected, _ = await (await socket(teacher, origin="https://evil.example")).connect()
        assert not connected

    async_to_sync(scenario)()


def test_recipient_gets_the_count_then_each_new_notification_live(teacher):
    course = CourseFactory(teacher=teacher, title="Biology <9>")
    student = StudentFactory(full_name="Ann <script>")
    NotificationFactory(recipient=teacher)
    bystander = StudentFactory()

    async def scenario():
        mine, theirs = await socket(teacher), await socket(bystander)
        assert (await mine.connect())[0] and (await theirs.connect())[0]
        assert await mine.receive_json_from() == {"type": "notifications.count", "unread": 1}
        assert await theirs.receive_json_from() == {"type": "notifications.count", "unread": 0}

        await database_sync_to_async(notices.student_enrolled)(course=course, student=student)

        assert await mine.receive_json_from(timeout=5) == {
            "type": "notifications.new",
            "unread": 2,
            "title": "Ann <script> joined Biology <9>",  # JSON text; badge.js shows it as text
            "link": f"/courses/{course.pk}/roster/",
        }
        assert await theirs.receive_nothing(timeout=0.3)

        # Marking read elsewhere (another tab) brings the count down on this page too.
        await database_sync_to_async(services.notification_mark_all_read)(user=teacher)
        assert await mine.receive_json_from(timeout=5) == {"type": "notifications.count", "unread": 0}
        await mine.disconnect()
        await theirs.disconnect()

    async_to_sync(scenario)()


def test_client_frames_get_sensible_answers(teacher):
    async def scenario():
        communicator = await socket(teacher)
        await communicator.connect()
        await communicator.receive_json_from()
        await communicator.send_to(text_data=json.dumps({"type": "ping"}))
        assert await communicator.receive_json_from() == {"type": "pong"}
        for frame in ("not json", "[1, 2]", json.dumps({"type": "notifications.new", "unread": 99}), "x" * 5000):
            await communicator.send_to(text_data=frame)
            assert (await communicator.receive_json_from())["type"] == "error"
        await communicator.send_to(bytes_data=b"\x00\x01")
        assert (await communicator.receive_json_from())["type"] == "error"
        # Still open and listening.
        await communicator.send_to(text_data=json.dumps({"type": "ping"}))
        assert await communicator.receive_json_from() == {"type": "pong"}
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_the_count_is_resent_when_the_channel_layer_is_back(teacher):
    """Pushes sent while Redis was down were lost (elearning.channel_layer): on its "reconnected"
    notice the badge gets the count as it is now."""
    async def scenario():
        mine = await socket(teacher)
        assert (await mine.connect())[0]
        assert await mine.receive_json_from() == {"type": "notifications.count", "unread": 0}
        await database_sync_to_async(NotificationFactory)(recipient=teacher)  # its push "lost"
        await mine.receive_nothing(timeout=0.2)  # (in-memory layer: nothing was pushed by the factory)
        layer = get_channel_layer()
        channel = next(iter(layer.channels)) if hasattr(layer, "channels") else None
        assert channel, "the test needs the socket's channel name"
        await layer.send(channel, {"type": "layer.reconnected"})
        assert await mine.receive_json_from(timeout=5) == {"type": "notifications.count", "unread": 1}
        await mine.disconnect()

    async_to_sync(scenario)()
