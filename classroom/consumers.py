"""The classroom socket, as thin as a view: authenticate, admit, parse, check permission, call a
service, relay.

Who may enter is ``selectors.classroom_course``; frames are validated in ``protocol``; who may
do what is ``permissions.can_perform``; strokes are assembled by ``strokes.StrokeBuffer``; the
microphone flag is ``audio``; every message and close code is in ``events``.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from courses.access import CourseClosed
from elearning.consumers import SiteConsumer
from elearning.ratelimit import SharedWindow, TokenBucket, window_allows

from . import audio, events, permissions, selectors, services
from .online import online_frames
from .protocol import ProtocolError, check_audio, parse_after, parse_frame
from .strokes import StrokeBuffer

logger = logging.getLogger(__name__)

TOO_MANY_MESSAGES = _("Slow down: too many messages.")
TOO_MUCH_AUDIO = _("Too much audio data.")
FLOOD_WINDOW = 10  # seconds over which CLASSROOM_FLOOD_CLOSE_AFTER refused frames close a socket
SERVER_ERROR = _("Something went wrong with your last action. Try again.")


@database_sync_to_async
def _enter(*, course_id: int, user_id: int, channel_name: str, after: int | None) -> tuple[bool, dict]:
    """Record the socket and read what the page needs, in one trip to the database thread.
    Returns (whether this is the user's first socket in the room, the state); raises
    ``services.TooManySockets``."""
    first = services.presence_enter(
        course_id=course_id, user_id=user_id, channel_name=channel_name, max_sockets=settings.CLASSROOM_MAX_SOCKETS_PER_USER
    )
    return first, selectors.classroom_state(course_id=course_id, after=after)


@dataclass(frozen=True)
class Route:
    """Where a client message goes: the rate limit it counts against
    (``settings.CLASSROOM_RATE_LIMITS``) and the handler that carries it out."""

    bucket: str
    handler: Callable[[ClassroomConsumer, dict], Awaitable[None]]


class ClassroomConsumer(SiteConsumer):
    ready = False  # frames are handled only while this is set
    joined = False  # groups and presence to clean up on disconnect
    layer_failed_at = -10.0  # when a group_send last failed and was logged (time.monotonic())
    heartbeat: asyncio.Task | None = None

    async def connect(self):
        # Accept first: a refusal before the handshake reaches the page as a bare failure, while
        # a close code after it lets the page say why (see events.CLOSE_*).
        await self.accept()
        self.user = self.scope["user"]
        self.course_id = int(self.scope["url_route"]["kwargs"]["course_id"])
        if not self.user.is_authenticated:
            return await self.close(code=events.CLOSE_LOGIN_REQUIRED)
        # Handshakes per user and minute, counted in the cache before any database work: a script
        # reconnecting as fast as it is closed (for flooding, or over the socket cap) costs little.
        if not await sync_to_async(window_allows, thread_sensitive=False)(
            f"classroom:handshakes:{self.user.pk}", limit=settings.CLASSROOM_HANDSHAKES_PER_MINUTE, seconds=60
        ):
            return await self.close(code=events.CLOSE_FLOOD)
        try:
            self.course = await database_sync_to_async(selectors.classroom_course)(user=self.user, course_id=self.course_id)
        except Http404:
            return await self.close(code=events.CLOSE_NOT_FOUND)
        except CourseClosed:
            return await self.close(code=events.CLOSE_COURSE_CLOSED)
        except PermissionDenied:
            return await self.close(code=events.CLOSE_FORBIDDEN)
        is_teacher = self.is_teacher = permissions.can_teach(self.user, self.course)
        self.room = events.room_group(self.course_id)
        self.strokes = StrokeBuffer()
        self.audio_on = False
        self.audio_dropped = 0
        # Refused frames drain this; a socket that empties it is flooding and is closed. Counting
        # "refused in a row" instead let a client sending at 3x its rate go on for ever (every
        # third frame was let through and reset the count).
        flood = settings.CLASSROOM_FLOOD_CLOSE_AFTER
        self.strikes = TokenBucket(flood / FLOOD_WINDOW, flood)
        self.last_error_at = 0.0
        self.buckets = {kind: TokenBucket(*settings.CLASSROOM_RATE_LIMITS[kind]) for kind in ("chat", "board", "audio", "other")}
        self.shared_limits = {
            kind: SharedWindow(f"classroom:{self.course_id}:{self.user.pk}:{kind}", limit=limit, seconds=seconds)
            for kind, (limit, seconds) in settings.CLASSROOM_USER_RATE_LIMITS.items()
        }
        # Subscribe before reading the state, so nothing falls between the two.
        groups = (self.room, events.user_group(self.course_id, self.user.pk))
        try:
            for group in groups:
                await self.channel_layer.group_add(group, self.channel_name)
        except Exception:  # noqa: BLE001 - Redis is down: the page retries later, polling meanwhile
            logger.warning("classroom %s: channel layer unavailable, socket closed", self.course_id)
            for group in groups:
                await self.channel_layer.group_discard(group, self.channel_name)
            return await self.close(code=events.CLOSE_TRY_AGAIN)
        self.joined = True
        self.heartbeat = asyncio.create_task(self._heartbeat())
        try:
            first, state = await _enter(
                course_id=self.course_id,
                user_id=self.user.pk,
                channel_name=self.channel_name,
                after=parse_after(self.scope.get("query_string", b"")),
            )
        except services.TooManySockets:
            return await self.close(code=events.CLOSE_TOO_MANY_SOCKETS)
        online_frames.put(self.course_id, state["online"])
        self.seat = permissions.Seat(username=self.user.username, is_teacher=is_teacher, draw=state["draw"])
        await self._send_state(state)
        self.ready = True
        if first:
            await self._presence("join")

    async def disconnect(self, code):
        """Runs once however the socket ended (``SiteConsumer.release``), even after a failed
        handshake; each step is tried on its own, so one failure does not leave a ghost."""
        self.ready = False
        if not self.joined:
            return
        self.joined = False
        if self.heartbeat is not None:
            self.heartbeat.cancel()
        steps = [
            ("store an unfinished stroke", self._finish_open_strokes),
            ("leave its groups", self._leave_groups),
            ("forget its presence", self._leave_presence),
        ]
        if self.audio_on:
            steps.insert(0, ("turn the microphone off", lambda: self._audio_state(False)))
        for what, step in steps:
            try:
                await step()
            except Exception:  # noqa: BLE001 - the socket is going either way; the rest must too
                logger.exception("classroom %s: could not %s", self.course_id, what)

    async def _leave_groups(self):
        await self.channel_layer.group_discard(self.room, self.channel_name)
        await self.channel_layer.group_discard(events.user_group(self.course_id, self.user.pk), self.channel_name)

    async def _leave_presence(self):
        last = await database_sync_to_async(services.presence_leave)(
            course_id=self.course_id, user_id=self.user.pk, channel_name=self.channel_name
        )
        if last:
            await self._presence("leave")

    # --- Incoming frames ------------------------------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        if not self.ready:
            return
        if bytes_data is not None:
            return await self._receive_audio(bytes_data)
        try:
            message = parse_frame(text_data or "")
        except ProtocolError as error:
            # Invalid frames cost like any other: nobody floods with garbage for free.
            if await self._admit("other"):
                await self._error(error.code, error.message)
            return
        kind = message["type"]
        route = self.ROUTES[kind]
        if not await self._admit(route.bucket):
            return
        if not permissions.can_perform(kind, self.seat):
            return await self._error("not_allowed", permissions.refusal(kind))
        try:
            await route.handler(self, message)
        except ProtocolError as error:
            await self._error(error.code, error.message)
        except ValidationError as error:
            await self._error("invalid", " ".join(error.messages))

    async def frame_failed(self):
        # Anything else a handler raised was logged by SiteConsumer.dispatch; the socket stays.
        await self._error("server_error", SERVER_ERROR)

    async def _receive_audio(self, data: bytes):
        if not await self._admit("audio"):
            return
        if not permissions.can_perform("audio_data", self.seat):
            return await self._error("not_allowed", permissions.refusal("audio_data"))
        try:
            check_audio(data)
        except ProtocolError as error:
            return await self._error(error.code, error.message)
        if not self.audio_on:
            return  # frames still in flight after "stop"; dropped without a word
        await self._group_send(events.audio_frame(data, ts=time.time(), sender=self.channel_name))

    async def on_ping(self, message):
        await self.send_json(events.pong())

    async def on_chat(self, message):
        await database_sync_to_async(services.chat_post)(course=self.course, author=self.user, body=message["message"])

    async def on_draw(self, message):
        step = self.strokes.add(message)
        if step.live is not None:
            piece = events.draw_piece(sid=step.sid, username=self.user.username, stroke=step.live)
            await self._group_send(events.board_event(piece, sender=self.channel_name))
        if step.finished is not None:
            await self._store(step.sid, step.finished)

    async def on_move(self, message):
        await database_sync_to_async(services.whiteboard_move)(
            course=self.course, element_id=message["id"], dx=message["dx"], dy=message["dy"]
        )

    async def on_undo(self, message):
        await database_sync_to_async(services.whiteboard_undo)(course=self.course, author=self.user)

    async def on_clear(self, message):
        await database_sync_to_async(services.whiteboard_clear)(course=self.course)

    async def on_draw_permission(self, message):
        await database_sync_to_async(services.draw_permission_set)(
            course=self.course, everyone=message.get("all"), username=message.get("user"), allowed=message.get("allowed")
        )

    async def on_audio(self, message):
        await self._audio_state(message["state"] == "start")

    # Every message type of ``protocol.PARSERS``; who may send it is ``permissions.RULES``.
    ROUTES: dict[str, Route] = {
        "ping": Route("other", on_ping),
        "chat": Route("chat", on_chat),
        "draw": Route("board", on_draw),
        "move": Route("board", on_move),
        "undo": Route("board", on_undo),
        "clear": Route("other", on_clear),
        "draw_permission": Route("other", on_draw_permission),
        "audio": Route("other", on_audio),
    }

    # --- Layer events (see events.py) -----------------------------------------------------

    async def classroom_chat(self, event):
        await self.send(text_data=event["text"])

    classroom_presence = classroom_audio_state = classroom_chat

    async def classroom_board(self, event):
        if event.get("sender") != self.channel_name:
            await self.send(text_data=event["text"])

    async def classroom_permission(self, event):
        self.seat.draw = {"all": event["message"]["all"], "users": event["message"]["users"]}
        may_draw = permissions.may_draw(self.seat)
        await self.send_json(events.draw_permission(event["message"], may_draw=may_draw))
        if not may_draw:
            await self._finish_open_strokes()

    async def classroom_audio(self, event):
        if event["sender"] == self.channel_name:
            return
        # A socket that fell behind skips the backlog instead of playing it late; the others,
        # with their own queues, are unaffected.
        if time.time() - event["ts"] > settings.CLASSROOM_AUDIO_MAX_LAG:
            self.audio_dropped += 1
            return
        await self.send(bytes_data=event["data"])

    async def classroom_kick(self, event):
        self.ready = False
        await self.close(code=events.CLOSE_REMOVED)

    async def classroom_end(self, event):
        self.ready = False
        await self.close(code=events.CLOSE_NOT_FOUND)

    async def layer_unavailable(self, event):
        """Redis is gone: this socket no longer hears the other processes (nor, through the
        group, this one). Closing with "try again later" turns the page to its HTTP fallback,
        where everything sent is shown at once, until a reconnect succeeds."""
        self.ready = False
        await self.close(code=events.CLOSE_TRY_AGAIN)

    async def layer_reconnected(self, event):
        """Redis is back (elearning.channel_layer): what the room broadcast meanwhile was lost, so
        the page gets a fresh state (recent chat, board, who is online) as on a reconnect."""
        if not self.ready:
            return
        state = await database_sync_to_async(selectors.classroom_state)(course_id=self.course_id)
        self.seat.draw = state["draw"]
        await self._send_state(state)

    async def classroom_closed(self, event):
        if not self.is_teacher:  # see permissions.can_enter
            self.ready = False
            await self.close(code=events.CLOSE_COURSE_CLOSED)

    # --- Helpers --------------------------------------------------------------------------

    async def send(self, text_data=None, bytes_data=None, close=False):
        try:
            await super().send(text_data=text_data, bytes_data=bytes_data, close=close)
        except Exception as error:  # noqa: BLE001 - the client left mid-send; its disconnect follows
            logger.info("classroom %s: could not send to a closing socket (%s)", getattr(self, "course_id", "?"), error)

    async def send_json(self, content):
        await self.send(text_data=events.frame(content))

    async def _send_state(self, state: dict):
        """The "state" frame, then the stored board in pieces."""
        pieces = events.board_pieces(state.pop("board"))
        me = events.me(self.user, is_teacher=self.seat.is_teacher)
        await self.send_json(events.state(me=me, may_draw=permissions.may_draw(self.seat), board_pieces=len(pieces), room=state))
        for piece in pieces:
            await self.send_json(piece)

    async def _group_send(self, event):
        try:
            await self.channel_layer.group_send(self.room, event)
        except Exception:  # noqa: BLE001 - a layer hiccup drops one message, not the socket
            # Redis down: audio alone would fail 50 times a second; one line per socket and 10 s.
            now = time.monotonic()
            if now - self.layer_failed_at >= 10:
                self.layer_failed_at = now
                logger.exception("classroom %s: group_send failed", self.course_id)

    async def _store(self, sid: str, element: dict):
        await database_sync_to_async(services.whiteboard_add)(course=self.course, author=self.user, element=element, sid=sid)

    async def _finish_open_strokes(self):
        """Store the strokes this socket has in progress as far as the others saw them: a stroke
        cut short (drawing taken away, connection lost) would otherwise stay half drawn on every
        page that watched it, and be missing from the board of anyone who joins later."""
        for sid, stroke in self.strokes.drain():
            await self._store(sid, stroke)

    async def _presence(self, kind: str):
        # Pages update their list from it, and the heartbeat's full "online" list corrects
        # anything missed.
        await self._group_send(events.relay(events.PRESENCE, events.presence(kind, self.user)))

    async def _audio_state(self, on: bool):
        self.audio_on = on
        if on:
            await database_sync_to_async(audio.microphone_on)(course_id=self.course_id)
            message = events.audio_started(self.user)
        else:
            await database_sync_to_async(audio.microphone_off)(course_id=self.course_id)
            message = events.audio_stopped()
        await self._group_send(events.relay(events.AUDIO_STATE, message))

    async def _heartbeat(self):
        """Keep this socket's presence row fresh and correct the page's online list."""
        interval = settings.CLASSROOM_PRESENCE_TTL / 3
        # Spread the beats: a class that connected together must not query together.
        await asyncio.sleep(random.uniform(0, interval))
        while True:
            await asyncio.sleep(interval)
            try:
                await database_sync_to_async(services.presence_touch)(channel_name=self.channel_name)
                if self.audio_on:
                    await database_sync_to_async(audio.microphone_on)(course_id=self.course_id)
                text = online_frames.get(self.course_id)
                if text is None:
                    online = await database_sync_to_async(selectors.online_users)(course_id=self.course_id)
                    text = online_frames.put(self.course_id, online)
                await self.send(text_data=text)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - try again next beat
                logger.exception("classroom %s: heartbeat failed", self.course_id)

    async def _error(self, code: str, message):
        await self.send_json(events.error(code, message))

    async def _admit(self, bucket: str) -> bool:
        """Whether a frame fits this socket's rate (``CLASSROOM_RATE_LIMITS``) and that of all
        this user's sockets in this classroom on every process (``CLASSROOM_USER_RATE_LIMITS``,
        counted in the cache; let through when the cache is down). A refused frame is dropped."""
        if self.buckets[bucket].allow() and await self.shared_limits[bucket].allow():
            return True
        await self._refuse("rate_limited", TOO_MUCH_AUDIO if bucket == "audio" else TOO_MANY_MESSAGES)
        return False

    async def _refuse(self, code: str, message):
        """A frame over the rate limit is dropped; a client that keeps flooding (more than
        CLASSROOM_FLOOD_CLOSE_AFTER refused frames in about FLOOD_WINDOW seconds) is closed."""
        if not self.strikes.allow():
            self.ready = False
            return await self.close(code=events.CLOSE_FLOOD)
        now = time.monotonic()
        if now - self.last_error_at >= 1.0:  # one notice per second is enough
            self.last_error_at = now
            await self._error(code, message)
