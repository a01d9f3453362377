"""The base of the site's WebSocket consumers, and the origin check every socket passes."""

from __future__ import annotations

import ipaddress
import logging
from collections import Counter
from urllib.parse import urlsplit

from channels.consumer import get_handler_name
from channels.exceptions import AcceptConnection, DenyConnection, StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils.http import is_same_domain

from .proxies import parse_networks
from .realtime import user_sockets_group

logger = logging.getLogger(__name__)

# Close code asking the page to reconnect at once (its session may have changed: a logout or a
# password change elsewhere); the handshake then decides. Pages treat unknown codes this way.
CLOSE_RECONNECT = 4100
# Close code for a socket over its user's cap (SITE_MAX_SOCKETS_PER_USER; the classroom's own cap).
CLOSE_TOO_MANY_SOCKETS = 4029


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

    released = False  # set once the socket's cleanup (``release``) has run
    counted: tuple[str, int] | None = None  # this socket's entry in ``open_sockets``
    # Open sockets per (consumer class, user) in this process: a user opening hundreds of badge
    # or classroom sockets costs the process memory and every fan-out a send. Per process, so it
    # needs no shared state and cannot leak; the classroom also caps across processes.
    open_sockets: Counter = Counter()

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        finally:
            # However the consumer ends (a disconnect, an exception that escaped a handler, or
            # the server cancelling it), its cleanup runs: a socket that dies without it leaves
            # its groups, presence rows and background tasks behind for ever.
            await self.release(1011)

    async def dispatch(self, message):
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        if message["type"] in ("websocket.connect", "websocket.disconnect"):
            return await handler(message)  # a failed handshake ends the socket (and ``release`` runs)
        try:
            await handler(message)
        except StopConsumer:
            raise
        except Exception:
            # One bad frame or event must not end the socket: logged, the client told, and on.
            logger.exception("%s: %s failed; the socket stays open", type(self).__name__, message["type"])
            if message["type"] == "websocket.receive":
                await self.frame_failed()

    async def frame_failed(self):
        """Tell the client that its last frame failed on the server (a subclass's error frame)."""

    async def websocket_disconnect(self, message):
        await self.release(message.get("code", 1005))
        raise StopConsumer()

    async def release(self, code: int):
        """Leave the groups and run ``disconnect``: once, whichever way the socket ended."""
        if self.released:
            return
        self.released = True
        if self.counted is not None:
            self.open_sockets[self.counted] -= 1
            if self.open_sockets[self.counted] <= 0:
                del self.open_sockets[self.counted]
        for group in self.groups:
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception as error:  # noqa: BLE001 - the layer (Redis) is down: go on to disconnect()
                # One line, no traceback: an outage closes every socket of the process at once.
                logger.warning("%s: could not leave group %s (%s)", type(self).__name__, group, error)
        try:
            await self.disconnect(code)
        except Exception:
            logger.exception("%s: disconnect failed", type(self).__name__)

    async def websocket_connect(self, message):
        user = self.scope.get("user")
        if user is not None and user.is_authenticated:
            key = (type(self).__name__, user.pk)
            if self.open_sockets[key] >= settings.SITE_MAX_SOCKETS_PER_USER:
                # Accepted, then closed: a code after the handshake is one the page can read.
                await self.accept()
                return await self.close(code=CLOSE_TOO_MANY_SOCKETS)
            self.open_sockets[key] += 1
            self.counted = key
            # Joined here (and left, on disconnect) with the consumer's other groups.
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


def _trusted_proxy(address: str) -> bool:
    try:
        peer = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(peer in network for network in parse_networks(settings.TRUSTED_PROXIES))


def site_origin(scope) -> str | None:
    """The site's own origin as this handshake sees it: the scheme (``https`` when the site is
    served over HTTPS, ``DJANGO_HTTPS``; otherwise the connection's own, or X-Forwarded-Proto
    when it comes from a trusted proxy, ``TRUSTED_PROXIES``) and the Host header (with its
    port). None when the Host is missing or not in ALLOWED_HOSTS."""
    headers = dict(scope.get("headers", ()))
    host = headers.get(b"host", b"").decode("latin-1").lower()
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    if settings.HTTPS:
        scheme = "https"
    else:
        scheme = "https" if scope.get("scheme") in ("wss", "https") else "http"
        client = scope.get("client") or ("", 0)
        forwarded = headers.get(b"x-forwarded-proto", b"").decode("latin-1").strip().lower()
        if forwarded in ("http", "https") and _trusted_proxy(client[0]):
            scheme = forwarded
    return f"{scheme}://{host}"


def origin_allowed(scope) -> bool:
    """The same rule as Django's CSRF origin check: the page's Origin is the site's own origin
    (scheme, host and port alike) or one of ``CSRF_TRUSTED_ORIGINS`` (``*.`` subdomain forms too)."""
    origin = dict(scope.get("headers", ())).get(b"origin", b"").decode("latin-1").lower()
    if not origin or origin == "null":
        return False
    if origin == site_origin(scope):
        return True
    trusted = [value.lower() for value in settings.CSRF_TRUSTED_ORIGINS]
    if origin in trusted:
        return True
    parsed = urlsplit(origin)
    # "https://*.example.com" allows every subdomain (as CsrfViewMiddleware reads it).
    return any(
        "*" in value
        and urlsplit(value).scheme == parsed.scheme
        and is_same_domain(parsed.netloc, urlsplit(value).netloc.lstrip("*"))
        for value in trusted
    )


class SameOriginValidator:
    """Refuses (HTTP 403 at the handshake) a WebSocket opened from another origin. Channels'
    ``AllowedHostsOriginValidator`` compared the Origin's host with ALLOWED_HOSTS only: a page
    on ``http://site:8080`` or ``http://site`` (with the site on HTTPS) could open a socket
    with the user's cookies."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not origin_allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
