"""The base of the site's WebSocket consumers."""

from __future__ import annotations

import logging

from channels.consumer import get_handler_name
from channels.exceptions import AcceptConnection, DenyConnection
from channels.generic.websocket import AsyncWebsocketConsumer

from .realtime import user_sockets_group

logger = logging.getLogger(__name__)

# Close code asking the page to reconnect at once (its session may have changed: a logout or a
# password change elsewhere); the handshake then decides. Pages treat unknown codes this way.
CLOSE_RECONNECT = 4100


class SiteConsumer(AsyncWebsocketConsumer):
    """An ``AsyncWebsocketConsumer`` that does not visit the database thread for every message.

    Channels 4.2+ runs ``close_old_connections()`` through ``sync_to_async`` before each handler,
    and all of a process's ``sync_to_async`` work shares one thread. A chat message relayed to
    50 sockets of a process then makes 50 trips to that thread, queued behind whatever database
    work it is doing: in bench/classroom.py a whole process's deliveries now and then arrived
    60–100 ms late. The site's consumers reach the database only through
    ``database_sync_to_async``, which closes old connections before and after each call itself,
    so the extra trip guards nothing here.
    """

    async def dispatch(self, message):
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def websocket_connect(self, message):
        user = self.scope.get("user")
        if user is not None and user.is_authenticated:
            # Joined (and left, on disconnect) with the consumer's other groups.
            self.groups = [*self.groups, user_sockets_group(user.pk)]
        try:
            for group in self.groups:
                await self.channel_layer.group_add(group, self.channel_name)
        except Exception:  # noqa: BLE001 - the layer (Redis) is down
            # Refuse the handshake: no 500 and no traceback per attempt, and the page, which
            # never saw the socket open, retries with a growing delay (and its HTTP fallback).
            logger.warning("%s: socket refused, the channel layer is unavailable", self.scope.get("path"))
            return await self.close()
        try:
            await self.connect()
        except AcceptConnection:
            await self.accept()
        except DenyConnection:
            await self.close()

    async def site_recheck(self, event):
        """The user logged out or changed their password somewhere: reconnect and re-authenticate."""
        await self.close(code=CLOSE_RECONNECT)

    async def layer_reconnected(self, event):
        """Redis is back after an outage (elearning.channel_layer): group messages sent meanwhile
        were lost. Consumers whose page must catch up override this."""

    async def layer_unavailable(self, event):
        """Redis is gone (elearning.channel_layer): this socket hears nothing from the other
        processes until it is back. Consumers whose page has another way (polling) close here."""


class UnknownRouteConsumer(AsyncWebsocketConsumer):
    """Any other ``/ws/…`` path: the handshake is refused (HTTP 403), quietly — no route would
    otherwise raise in the router, answer 500 and log an error for every stray client."""

    async def connect(self):
        await self.close()

    async def layer_reconnected(self, event):
        pass

    async def layer_unavailable(self, event):
        pass
