"""elearning.channel_layer against a private redis-server that is killed and started again: what
fails while it is down, and that each process's layer resubscribes by itself afterwards."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync

from elearning.channel_layer import CONNECTION_ERRORS, RECONNECTED, UNAVAILABLE, ChannelLayerUnavailable, PubSubChannelLayer
from elearning.testing.redis import RedisServer

RECOVERY = 30  # seconds: generous; the layer retries every 0.2–2 s


@pytest.fixture
def redis():
    with RedisServer() as server:
        yield server


def layer_for(redis):
    return PubSubChannelLayer(hosts=[{"address": redis.url, "socket_connect_timeout": 2}], prefix="t")


async def until(check, timeout=RECOVERY):
    async with asyncio.timeout(timeout):
        while not await check():
            await asyncio.sleep(0.1)


def test_layer_survives_a_redis_restart(redis):
    async def scenario():
        here, there = layer_for(redis), layer_for(redis)  # two processes
        old = await here.new_channel()
        await here.group_add("room", old)
        await there.group_send("room", {"type": "m", "n": 1})
        assert (await asyncio.wait_for(here.receive(old), 5))["n"] == 1

        redis.stop()
        # The listener notices at once and tells every channel (consumers close their sockets)…
        assert (await asyncio.wait_for(here.receive(old), RECOVERY))["type"] == UNAVAILABLE
        # …then sending and joining fail without waiting.
        async def refused_at_once():
            try:
                await here.group_send("room", {"type": "m", "n": 2})
            except ChannelLayerUnavailable:
                return True
            except CONNECTION_ERRORS:  # redis-py's own error: the failure was not known yet
                return False
            raise AssertionError("sent to a dead Redis")

        await until(refused_at_once)
        with pytest.raises(Exception):  # noqa: B017 - whichever error, it reaches the caller
            await there.group_send("room", {"type": "m", "n": 2})
        new = await here.new_channel()  # a socket still gets its channel…
        with pytest.raises(ChannelLayerUnavailable):
            await here.group_add("room", new)  # …but cannot join a group
        await here.group_discard("room", new)  # leaving never fails

        redis.start()
        # Every channel is told the layer is back (so consumers can resend their state)…
        assert (await asyncio.wait_for(here.receive(old), RECOVERY))["type"] == RECONNECTED

        # …and the old subscription hears the other process again.
        async def delivered():
            try:
                await there.group_send("room", {"type": "m", "n": 3})
                message = await asyncio.wait_for(here.receive(old), 0.5)
            except (Exception, asyncio.TimeoutError):  # noqa: BLE001 - not back yet
                return False
            return message.get("n") == 3

        await until(delivered)
        await here.flush()
        await there.flush()

    async_to_sync(scenario)()
