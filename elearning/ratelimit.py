"""Rate limits (part of the app-free toolkit): a token bucket for one connection's memory, and a
fixed-window counter in the cache that every server process shares."""

from __future__ import annotations

import logging
import time

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


def window_allows(key: str, *, limit: int, seconds: int) -> bool:
    """At most ``limit`` calls per ``seconds``-long window for ``key``, across processes."""
    window = int(time.time() // seconds)
    cache_key = f"rl:{key}:{window}"
    try:
        cache.add(cache_key, 0, timeout=seconds * 2)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=seconds * 2)
            count = 1
    except Exception:  # noqa: BLE001 - the cache (Redis) is down: let the request through
        logger.warning("rate limit %s not checked: the cache is unavailable", key, exc_info=True)
        return True
    return count <= limit
