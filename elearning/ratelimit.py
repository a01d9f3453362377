"""Rate limits (part of the app-free toolkit): a token bucket for one connection's memory, and
fixed-window counters in the cache that every server process shares (``window_allows`` per
request, ``SharedWindow`` batched for sockets' frames)."""

from __future__ import annotations

import logging
import time

from asgiref.sync import sync_to_async
from django.core.cache import cache

logger = logging.getLogger(__name__)


class TokenBucket:
    """``rate`` events per second on average, bursts up to ``burst``."""

    def __init__(self, rate: float, burst: float):
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.updated = time.monotonic()

    def allow(self, cost: float = 1.0) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= cost:
            self.tokens -= cost
            return True
        return False


def window_add(key: str, *, seconds: int, amount: int = 1, window: int | None = None) -> int | None:
    """Add ``amount`` to ``key``'s count in the current ``seconds``-long window (or ``window``),
    shared by every process; the new count, or None when the cache (Redis) is down."""
    window = int(time.time() // seconds) if window is None else window
    cache_key = f"rl:{key}:{window}"
    try:
        cache.add(cache_key, 0, timeout=seconds * 2)
        try:
            return cache.incr(cache_key, amount)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, amount, timeout=seconds * 2)
            return amount
    except Exception:  # noqa: BLE001 - the cache is down: the caller lets the request through
        logger.warning("rate limit %s not checked: the cache is unavailable", key, exc_info=True)
        return None


def window_allows(key: str, *, limit: int, seconds: int) -> bool:
    """At most ``limit`` calls per ``seconds``-long window for ``key``, across processes."""
    count = window_add(key, seconds=seconds)
    return count is None or count <= limit


class SharedWindow:
    """``limit`` events per ``seconds``-long window for ``key``, counted across processes, for
    a hot path such as a socket's frames: events are added to the cache in batches (1/16 of the
    limit, in a worker thread), and between batches the last shared count plus this holder's
    own decides. Holders of one key may overshoot by a batch (less one) each, none with a batch of
one (limits under 32); open when the cache is down."""

    def __init__(self, key: str, *, limit: int, seconds: int):
        self.key = key
        self.limit = limit
        self.seconds = seconds
        self.batch = max(1, limit // 16)
        self.window = -1
        self.shared = 0  # the window's count in the cache when last read (ours included)
        self.pending = 0  # our events not yet added

    async def allow(self) -> bool:
        window = int(time.time() // self.seconds)
        if window != self.window:
            self.window, self.shared, self.pending = window, 0, 0
        if self.shared + self.pending >= self.limit:
            return False
        self.pending += 1
        if self.pending >= self.batch:
            amount, self.pending = self.pending, 0
            # A worker thread: not the event loop, nor the database thread handlers queue on.
            count = await sync_to_async(window_add, thread_sensitive=False)(
                self.key, seconds=self.seconds, amount=amount, window=window
            )
            if count is None:
                return True
            if window == self.window:
                self.shared = count
            return count <= self.limit  # the event that filled the batch is judged on the real count
        return True
