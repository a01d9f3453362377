"""WebSocket test clients through the site's real ASGI stack (origin check, session auth)."""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from elearning.asgi import application

ORIGIN = "http://127.0.0.1"
HOST = "127.0.0.1"  # the handshake's Host header: the origin check compares the Origin with it


def handshake_headers(origin: str = ORIGIN, host: str = HOST) -> list[tuple[bytes, bytes]]:
    return [(b"origin", origin.encode()), (b"host", host.encode())]


def session_cookie(user) -> str:
    """A fresh session of ``user``, as the browser's cookie value (writes the session row)."""
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def communicator_for(
    path: str, user=None, *, origin: str = ORIGIN, host: str = HOST, headers=(), scope: dict | None = None
) -> WebsocketCommunicator:
    """A ``WebsocketCommunicator`` for ``path``, signed in as ``user`` (None: anonymous), opened
    from page ``origin`` on site ``host`` (the handshake's Origin and Host headers).

    The session is written from the database thread: socket tests run with Django's
    async-safety check on, so that a blocking call made from async code fails them."""
    headers = [*handshake_headers(origin, host), *headers]
    if user is not None:
        cookie = await database_sync_to_async(session_cookie)(user)
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    # The application starts on the first send, so scope keys such as "scheme" ("wss") or
    # "client" (a proxy's address) can still be set.
    communicator.scope.update(scope or {})
    return communicator


async def close_code(communicator: WebsocketCommunicator, timeout: float = 3) -> int:
    """The code the server closes with, skipping the messages before it."""
    while True:
        output = await communicator.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return output["code"]
