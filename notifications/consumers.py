"""The live badge's socket: a signed-in user listens to their own group ``user.<id>``."""

from __future__ import annotations

import json

from channels.db import database_sync_to_async

from elearning.consumers import SiteConsumer

from . import payloads, permissions, selectors

# Application close codes (4000-4999); the badge template hands them to badge.js: do not reconnect.
CLOSE_NOT_SIGNED_IN = 4401
MAX_FRAME = 1024  # the client only ever sends {"type": "ping"}


class NotificationConsumer(SiteConsumer):
    group: str | None = None

    async def connect(self):
        user = self.scope.get("user")
        if not permissions.can_listen(user):
            # Accept, then close with our code: a browser never sees the code of a socket
            # refused during the handshake, and badge.js stops retrying on this one.
            await self.accept()
            await self.close(code=CLOSE_NOT_SIGNED_IN)
            return
        self.group = payloads.user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        # The count as of now: a badge that reconnects after missing pushes is right again.
        unread = await database_sync_to_async(selectors.unread_count)(user=user)
        await self.send_json(payloads.unread_count(unread=unread))

    async def disconnect(self, code):
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        if text_data is None or len(text_data) > MAX_FRAME:
            await self.send_json({"type": payloads.ERROR, "error": "expected a short JSON text frame"})
            return
        try:
            message = json.loads(text_data)
        except ValueError:
            message = None
        if not isinstance(message, dict):
            await self.send_json({"type": payloads.ERROR, "error": "expected a JSON object"})
        elif message.get("type") == payloads.PING:
            await self.send_json({"type": payloads.PONG})
        else:
            await self.send_json({"type": payloads.ERROR, "error": "unknown message type"})

    # Group events (see payloads): relayed to the browser as they are.
    async def notifications_new(self, event):
        await self.send_json(
            payloads.new_notification(unread=event["unread"], title=event["title"], link=event["link"])
        )

    async def notifications_count(self, event):
        await self.send_json(payloads.unread_count(unread=event["unread"]))

    async def layer_reconnected(self, event):
        """Redis is back after an outage: pushes sent meanwhile were lost, so resend the count."""
        if self.group:
            unread = await database_sync_to_async(selectors.unread_count)(user=self.scope["user"])
            await self.send_json(payloads.unread_count(unread=unread))

    async def notifications_close(self, event):
        await self.close(code=CLOSE_NOT_SIGNED_IN)

    async def send_json(self, content):
        await self.send(text_data=json.dumps(content))
