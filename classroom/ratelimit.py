"""Rate limits: a token bucket per socket (memory of that connection only) and a shared
fixed-window counter in the cache for the HTTP fallback (several processes share it)."""

from __future__ import annotations

import time

from django.core.cache import cache


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
    cache_key = f"classroom:rl:{key}:{window}"
    cache.add(cache_key, 0, timeout=seconds * 2)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=seconds * 2)
        count = 1
    return count <= limit
