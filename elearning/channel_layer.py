"""The channel layer for several server processes: channels_redis's pub/sub layer, made to
survive a Redis outage. Part of the app-free toolkit (it imports no app).

channels_redis 4.3 keeps ``on_disconnect``/``on_reconnect`` arguments but never calls them, and
leaves reconnecting to redis-py, which did not bring a process's subscriptions back after Redis
was killed and started again: every live class stayed split between processes until the servers
were restarted. Here each connection to Redis (one per host, per event loop) notices the
failure itself, and while Redis is down:

- ``group_send``/``send`` and ``group_add`` fail at once (``ChannelLayerUnavailable``) instead of
  each waiting on a dead server; callers log them (elearning.realtime) or turn the socket away;
- ``new_channel`` still succeeds and ``group_discard`` never fails, so a socket can open and close;
- the moment the outage is noticed, each local channel is handed ``{"type": "layer.unavailable"}``:
  an open socket can no longer hear the other processes, so a consumer closes it with a code its
  page retries on (the classroom page polls over HTTP meanwhile, and nothing it shows is stale);
- a background task tries again every few hundred milliseconds (backing off to 2 s). Once Redis
  answers it opens a fresh connection, subscribes to every channel and group the process still
  has, and hands each local channel a ``{"type": "layer.reconnected"}`` message: what was
  broadcast meanwhile never arrived, so consumers resend their page what it needs
  (elearning.consumers.SiteConsumer ignores it by default).
"""

from __future__ import annotations

import asyncio
import logging
import uuid

from channels_redis.pubsub import RedisPubSubChannelLayer, RedisPubSubLoopLayer, RedisSingleShardConnection
from channels_redis.utils import _close_redis, _wrap_close, decode_hosts
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What a dead, unreachable or restarting Redis raises.
CONNECTION_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError, asyncio.TimeoutError)
RECONNECTED = "layer.reconnected"
UNAVAILABLE = "layer.unavailable"
RETRY_FIRST, RETRY_MAX = 0.2, 2.0  # seconds between attempts to reach Redis again


class ChannelLayerUnavailable(ConnectionError):
    """Redis is down: nothing can be sent or subscribed until it is back."""


class PubSubChannelLayer(RedisPubSubChannelLayer):
    """``RedisPubSubChannelLayer`` whose per-loop layers reconnect and resubscribe by themselves."""

    def _get_layer(self):
        loop = asyncio.get_running_loop()
        try:
            return self._layers[loop]
        except KeyError:
            layer = _LoopLayer(*self._args, **self._kwargs, channel_layer=self)
            self._layers[loop] = layer
            _wrap_close(self, loop)
            return layer


class _LoopLayer(RedisPubSubLoopLayer):
    def __init__(self, hosts=None, **kwargs):
        super().__init__(hosts=hosts, **kwargs)
        self._shards = [_Shard(host, self) for host in decode_hosts(hosts)]

    async def new_channel(self, prefix="specific."):
        # A socket gets its channel even while Redis is down (the consumer decides what to do
        # when it then cannot join its groups); the subscription follows on reconnect.
        channel = f"{self.prefix}{prefix}{uuid.uuid4().hex}"
        self.channels[channel] = asyncio.Queue()
        try:
            await self._get_shard(channel).subscribe(channel)
        except CONNECTION_ERRORS:
            pass
        return channel

    def reconnected(self) -> None:
        """Tell every channel of this process that Redis is back (messages may have been lost)."""
        self._tell_every_channel(RECONNECTED)

    def unavailable(self) -> None:
        """Tell every channel of this process that Redis is gone: nothing from the other
        processes reaches it until the reconnect."""
        self._tell_every_channel(UNAVAILABLE)

    def _tell_every_channel(self, kind: str) -> None:
        notice = self.channel_layer.serialize({"type": kind})
        for queue in self.channels.values():
            queue.put_nowait(notice)


class _Shard(RedisSingleShardConnection):
    """One host's connection. ``_subscribed_to`` is what the process wants to hear, whether or
    not Redis is reachable now; a reconnect subscribes to all of it again."""

    def __init__(self, host, channel_layer):
        super().__init__(host, channel_layer)
        self.down = False
        self._reconnecting = False

    async def publish(self, channel, message):
        if self.down:
            raise ChannelLayerUnavailable("Redis is unavailable")
        async with self._lock:
            self._ensure_redis()
            try:
                await self._redis.publish(channel, message)
            except CONNECTION_ERRORS:
                self._mark_down()
                raise

    async def subscribe(self, channel):
        self._subscribed_to.add(channel)  # wanted from now on, subscribed on reconnect if need be
        if self.down:
            raise ChannelLayerUnavailable("Redis is unavailable")
        async with self._lock:
            self._ensure_redis()
            self._ensure_receiver()
            try:
                await self._pubsub.subscribe(channel)
            except CONNECTION_ERRORS:
                self._mark_down()
                raise

    async def unsubscribe(self, channel):
        if channel not in self._subscribed_to:
            return
        self._subscribed_to.discard(channel)
        if self.down or self._pubsub is None:
            return  # a reconnect subscribes only to what is still wanted
        async with self._lock:
            try:
                await self._pubsub.unsubscribe(channel)
            except CONNECTION_ERRORS:
                self._mark_down()

    async def flush(self):
        await super().flush()
        self.down = False

    def _mark_down(self) -> None:
        if not self.down:
            self.down = True
            logger.warning("channel layer: lost Redis at %s; reconnecting", _address(self.host))
            self.channel_layer.unavailable()
        self._ensure_receiver()  # it does the reconnecting, even in a process with no subscription

    async def _do_receiving(self):
        while True:
            if self.down:
                await self._reconnect()
            elif self._pubsub is not None and self._pubsub.subscribed:
                try:
                    message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=0.1)
                except CONNECTION_ERRORS:
                    self._mark_down()
                    continue
                except Exception:  # noqa: BLE001 - one bad message must not stop the process hearing
                    logger.exception("channel layer: unexpected error while receiving")
                    await asyncio.sleep(1)
                    continue
                self._receive_message(message)
            else:
                await asyncio.sleep(0.1)

    async def _reconnect(self) -> None:
        delay = RETRY_FIRST
        while True:
            async with self._lock:
                await self._drop_connection()
                try:
                    self._ensure_redis()
                    await self._redis.ping()
                    await self._resubscribe()
                    self.down = False
                except CONNECTION_ERRORS:
                    pass
            if not self.down:
                logger.warning(
                    "channel layer: Redis at %s is back; %d subscription(s) restored",
                    _address(self.host), len(self._subscribed_to),
                )
                self.channel_layer.reconnected()
                return
            await asyncio.sleep(delay)
            delay = min(RETRY_MAX, delay * 2)

    async def _resubscribe(self) -> None:
        """Subscribe the fresh connection to everything wanted, including what sockets opened
        or closed while the subscribing was under way."""
        done: set[str] = set()
        while done != self._subscribed_to:
            wanted = set(self._subscribed_to)
            if wanted - done:
                await self._pubsub.subscribe(*(wanted - done))
            if done - wanted:
                await self._pubsub.unsubscribe(*(done - wanted))
            done = wanted

    async def _drop_connection(self) -> None:
        pubsub, redis = self._pubsub, self._redis
        self._pubsub = self._redis = None
        for close in (pubsub and pubsub.aclose, redis and (lambda: _close_redis(redis))):
            if close:
                try:
                    await close()
                except Exception:  # noqa: BLE001 - it is broken already; a new one follows
                    pass


def _address(host: dict) -> str:
    address = host.get("address", "")
    return address.split("@")[-1] if isinstance(address, str) else str(address)
