"""SiteConsumer's cap on one user's open sockets of one kind in a server process (the badge has
no other; the classroom also caps across processes, classroom/tests/test_consumers.py)."""

from __future__ import annotations

import pytest

from accounts.tests.factories import StudentFactory
from classroom.tests.helpers import run
from elearning.consumers import CLOSE_TOO_MANY_SOCKETS, SiteConsumer
from elearning.testing.sockets import close_code, communicator_for

pytestmark = pytest.mark.django_db(transaction=True)
BADGE = "/ws/notifications/"


async def opened(user):
    communicator = await communicator_for(BADGE, user)
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from(timeout=3))["type"] == "notifications.count"
    return communicator


def test_a_user_may_hold_only_so_many_badge_sockets(settings):
    settings.SITE_MAX_SOCKETS_PER_USER = 2
    ann, bob = StudentFactory(), StudentFactory()

    async def scenario():
        first, second = await opened(ann), await opened(ann)
        extra = await communicator_for(BADGE, ann)
        assert (await extra.connect())[0]
        assert await close_code(extra) == CLOSE_TOO_MANY_SOCKETS
        others = await opened(bob)  # another user is not affected
        await first.disconnect()
        third = await opened(ann)  # a closed socket frees its place
        for communicator in (second, third, others):
            await communicator.disconnect()

    run(scenario)
    assert not SiteConsumer.open_sockets  # every socket gave its place back
