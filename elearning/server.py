"""Daphne with bounded request bodies: the server `bin/serve` starts (same options as `daphne`).

    python -m elearning.server [daphne options] elearning.asgi:application

Daphne as shipped lets one request cost memory in proportion to its body: Twisted spools the
body to a temporary file, then parses a form body whole into memory (``request.args``, which
Daphne never uses), and Daphne pushes every 8 KB piece of it into the application's unbounded
input queue at once — a 110 MB POST to the login page took a process from 688 MB to 1.6 GB.
Here:

- a body larger than its limit (``settings.REQUEST_BODY_MAX_BYTES``, or the larger limit
  ``settings.REQUEST_BODY_LIMITS`` gives the URL name the path resolves to) is refused with 413
  from its declared ``Content-Length`` before a byte of it is read, and a chunked body is cut
  off with 413 as soon as it passes the limit;
- Twisted's form parsing is off;
- the body reaches the application from Twisted's spool file one piece at a time, as the
  application asks for it (Django's ASGI handler spools it again, to disk past 2.5 MB), so a
  request holds about one piece in memory whatever its size.
"""

from __future__ import annotations

import asyncio  # isort:skip
import daphne.server  # isort:skip  (installs the asyncio reactor; must come before twisted.internet)

import logging
from functools import partial
from io import BytesIO
from urllib.parse import unquote, urlsplit

from daphne.cli import CommandLineInterface
from daphne.http_protocol import HTTPFactory, WebRequest
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.urls import Resolver404, resolve
from twisted.internet import reactor

logger = logging.getLogger(__name__)

PIECE_BYTES = 256 * 1024  # body handed to the application per message
LINGER_SECONDS = 5  # after a 413, how long the rest of a refused body is read and dropped


def body_limit(path: bytes) -> int:
    """The largest body accepted for a request target (path or absolute URL, with query)."""
    try:
        route = unquote(urlsplit(path.decode("ascii", "replace")).path or "/")
        name = resolve(route).view_name
    except (Resolver404, ValueError):
        name = None
    return settings.REQUEST_BODY_LIMITS.get(name, settings.REQUEST_BODY_MAX_BYTES)


class _EmptyBody:
    """What Daphne's own body loop reads: nothing. The real body follows from ``BodyQueue``."""

    def __init__(self, spool):
        self.spool = spool

    def read(self, size=-1):
        return b""

    def seek(self, *args):
        return 0

    @property
    def closed(self):
        return self.spool.closed

    def close(self):
        self.spool.close()


class BodyQueue(asyncio.Queue):
    """The input queue of one HTTP request: Daphne's single empty ``http.request`` message
    stands for the body, which is then read from the spool file one piece per ``receive()``.
    Anything else Daphne puts (``http.disconnect``) comes first."""

    def __init__(self, spool, length: int):
        super().__init__()
        self.spool, self.left, self.streaming = spool, length, False

    async def get(self):
        if not self.streaming or not self.empty():
            message = await super().get()
            if message.get("type") != "http.request" or self.spool is None:
                return message
            self.streaming = True
        try:
            piece = self.spool.read(min(PIECE_BYTES, self.left))
        except ValueError:  # the spool was closed: the client went away
            self.streaming, self.spool = False, None
            return {"type": "http.disconnect"}
        self.left -= len(piece)
        more = self.left > 0 and bool(piece)
        if not more:
            self.streaming, self.spool = False, None
        return {"type": "http.request", "body": piece, "more_body": more}


class BoundedRequest(WebRequest):
    """Daphne's request, refusing bodies over their limit and streaming the accepted ones."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._parsePOSTFormSubmission = False  # Twisted would read a form body whole into memory
        self.body_limit = settings.REQUEST_BODY_MAX_BYTES
        self.body_received = 0
        self.body_refused = False
        self.body_spool = None

    def gotLength(self, length):
        self.body_limit = body_limit(getattr(self.channel, "_path", b"/"))
        if length is not None and length > self.body_limit:
            self.content = BytesIO()
            self.refuse_body(length)
            return
        super().gotLength(length)

    def handleContentChunk(self, data):
        if self.body_refused:
            return
        self.body_received += len(data)
        if self.body_received > self.body_limit:  # a chunked body passing its limit
            self.refuse_body(None)
            return
        super().handleContentChunk(data)

    def refuse_body(self, declared: int | None) -> None:
        """Answer 413 now and close; what the client still sends is dropped, unread by anyone."""
        self.body_refused = True
        channel = self.channel
        transport = channel.transport
        if self.content is not None and not isinstance(self.content, BytesIO):
            self.content.close()  # the part of a chunked body already spooled
            self.content = BytesIO()
        command = getattr(channel, "_command", b"?").decode("ascii", "replace")
        target = getattr(channel, "_path", b"?").decode("ascii", "replace")
        logger.warning(
            "Refused a request body over its limit of %s bytes (%s): %s %s from %s",
            self.body_limit, f"declared {declared}" if declared is not None else "chunked",
            command, target[:200], getattr(transport.getPeer(), "host", "?"),
        )
        self.requestHeaders.removeHeader(b"Expect")  # no "100 Continue" for a refused body
        page = (
            "<!doctype html><html lang=en><meta charset=utf-8><title>413 Content Too Large</title>"
            "<h1>413 Content Too Large</h1><p>This address accepts at most %s in one request.</p>"
            "<p><a href=\"/\">Home</a></p></html>" % filesizeformat(self.body_limit)
        ).encode()
        transport.write(
            b"HTTP/1.1 413 Content Too Large\r\nContent-Type: text/html; charset=utf-8\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(page), page)
        )
        drop = lambda data: None  # noqa: E731
        channel.dataReceived = channel.rawDataReceived = drop
        # Close our side once the answer is out, but keep reading (and dropping) for a moment:
        # closing a socket with unread data sends a reset that can destroy the answer before
        # the client reads it. A client still sending after that is cut off.
        if hasattr(transport, "loseWriteConnection"):
            transport.loseWriteConnection()
            reactor.callLater(LINGER_SECONDS, _abort, transport)
        else:
            transport.loseConnection()

    def process(self):
        if self.body_refused:
            return None
        upgrade = self.requestHeaders.getRawHeaders(b"Upgrade") or [b""]
        if upgrade[0].lower() != b"websocket" and self.content is not None:
            self.body_spool = self.content
            self.content = _EmptyBody(self.content)
        return super().process()


def _abort(transport) -> None:
    if transport.connected:
        transport.abortConnection()


class BoundedHTTPFactory(HTTPFactory):
    def buildProtocol(self, addr):
        protocol = super().buildProtocol(addr)
        protocol.requestFactory = BoundedRequest
        return protocol


class BoundedServer(daphne.server.Server):
    """Daphne's server with ``BoundedRequest`` and ``BodyQueue``."""

    # Daphne.run() builds its HTTPFactory and listens with it at once; this is the one seam.
    @property
    def http_factory(self):
        return self._bounded_http_factory

    @http_factory.setter
    def http_factory(self, factory):
        self._bounded_http_factory = BoundedHTTPFactory(self)

    def create_application(self, protocol, scope):
        # Daphne's own, with the request's BodyQueue as its input queue.
        assert "application_instance" not in self.connections[protocol]
        spool = getattr(protocol, "body_spool", None)
        if spool is not None:
            input_queue = BodyQueue(spool, protocol.body_received)
        else:
            input_queue = asyncio.Queue()
        scope.setdefault("asgi", {"version": "3.0"})
        application_instance = self.application(
            scope=scope, receive=input_queue.get, send=partial(self.handle_reply, protocol)
        )
        if protocol not in self.connections:
            return None
        self.connections[protocol]["application_instance"] = asyncio.ensure_future(
            application_instance, loop=asyncio.get_event_loop()
        )
        return input_queue


class BoundedCommandLine(CommandLineInterface):
    server_class = BoundedServer


if __name__ == "__main__":
    BoundedCommandLine.entrypoint()
