"""The shared fixed-window counters of elearning.ratelimit, on the configured cache (LocMem, or
Redis on the PostgreSQL leg)."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync

from elearning.ratelimit import SharedWindow


def allowed(holders: list[SharedWindow], events: int) -> int:
    async def scenario():
        count = 0
        for n in range(events):
            count += await holders[n % len(holders)].allow()
        return count

    return async_to_sync(scenario)()


@pytest.mark.parametrize(("limit", "overshoot"), [(10, 0), (64, 3)])  # batches of 1 and of 4
def test_holders_of_one_key_share_its_limit(limit, overshoot):
    key = f"test-shared-{limit}"
    # Two sockets (on two processes, as far as the cache can tell) of one user.
    holders = [SharedWindow(key, limit=limit, seconds=3600) for _ in range(2)]
    assert limit <= allowed(holders, limit * 5) <= limit + len(holders) * overshoot
    assert allowed([SharedWindow(key, limit=limit, seconds=3600)], 5) <= overshoot  # a third, later
    assert allowed([SharedWindow(key + "-other", limit=limit, seconds=3600)], 5) == 5


def test_a_cache_that_is_down_lets_everything_through(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}}
    assert allowed([SharedWindow("test-down", limit=2, seconds=3600)], 10) == 10
