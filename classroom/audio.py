"""The teacher's microphone: whether a classroom is on air, shared by every server process.

The flag lives in the cache (Redis when configured) with the presence time-to-live, so a
process that crashes mid-broadcast cannot leave a classroom on air for good: the broadcasting
socket's heartbeat refreshes it (``microphone_on`` again). These calls may block on the cache;
the consumer makes them through ``database_sync_to_async``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache


def microphone_key(course_id: int) -> str:
    return f"classroom:{course_id}:audio"


def microphone_on(*, course_id: int) -> None:
    """Put the classroom on air (or keep it there) for the next presence time-to-live."""
    cache.set(microphone_key(course_id), 1, settings.CLASSROOM_PRESENCE_TTL)


def microphone_off(*, course_id: int) -> None:
    cache.delete(microphone_key(course_id))


def microphone_is_on(*, course_id: int) -> bool:
    return bool(cache.get(microphone_key(course_id)))
