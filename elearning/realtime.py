"""The one way sync code sends to the channel layer: after the commit, never raising.

Part of the site's app-free toolkit (it imports no app), so every layer may use it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

# Every socket of a signed-in user joins this group (see elearning.consumers.SiteConsumer);
# a "site.recheck" sent to it makes each socket reconnect and so pass authentication again.
RECHECK = "site.recheck"


def user_sockets_group(user_id: int) -> str:
    return f"sockets.user.{user_id}"


def sockets_recheck_on_commit(user_id: int) -> None:
    """After a logout or a password change: every open socket of the user reconnects, and the
    ones whose session ended are refused at the handshake."""
    group_send_on_commit(user_sockets_group(user_id), {"type": RECHECK})


_pending: set[asyncio.Task] = set()  # strong references to sends scheduled on a running loop


def group_send_on_commit(group: str, message: dict) -> None:
    """Send ``message`` to ``group`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: group_send_now({group: message}))


def group_send_many_on_commit(messages: Mapping[str, dict]) -> None:
    """Send each group its message after the commit: one trip for a whole batch."""
    if messages:
        messages = dict(messages)
        transaction.on_commit(lambda: group_send_now(messages))


def group_send_now(messages: Mapping[str, dict]) -> None:
    """Send each group its message now, from sync code. Layer errors (Redis down) are logged
    and swallowed: what the caller saved stays saved, and pages catch up when they reconnect."""
    layer = get_channel_layer()
    if layer is None or not messages:
        return
    messages = dict(messages)
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is not None and asyncio.current_task(loop) is not None:
        # Sync code called straight from a coroutine (no sync_to_async): it must not block
        # its own loop, so the send becomes a task on that loop and logs its own failure.
        task = loop.create_task(_send_logged(layer, messages))
        _pending.add(task)
        task.add_done_callback(_pending.discard)
        return
    try:
        if loop is None:  # the usual case: a view, a task, a shell
            async_to_sync(_send_all)(layer, messages)
        else:
            # A thread that runs an event loop outside any coroutine (a script driving
            # Playwright, say) cannot block on it: send from a helper thread.
            with ThreadPoolExecutor(max_workers=1) as pool:
                pool.submit(async_to_sync(_send_all), layer, messages).result(timeout=10)
    except Exception:  # noqa: BLE001 - a layer failure must not undo the caller's work
        _log_failure(messages)


async def _send_all(layer, messages: dict[str, dict]) -> None:
    for group, message in messages.items():
        await layer.group_send(group, message)


async def _send_logged(layer, messages: dict[str, dict]) -> None:
    try:
        await _send_all(layer, messages)
    except Exception:  # noqa: BLE001
        _log_failure(messages)


def _log_failure(messages: Mapping[str, dict]) -> None:
    kinds = sorted({str(m.get("type")) for m in messages.values()})
    logger.warning("channel layer: could not send %s to %d group(s)", kinds, len(messages), exc_info=True)
