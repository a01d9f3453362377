"""The classroom socket: checks who connects, validates every frame, calls services, relays.

Message shapes, layer events and close codes are documented in ``classroom.events``.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from courses.models import Course
from elearning.consumers import SiteConsumer

from . import events, permissions, selectors, services
from .protocol import ProtocolError, parse_frame
from elearning.ratelimit import TokenBucket

logger = logging.getLogger(__name__)

MAX_OPEN_STROKES = 4  # strokes one socket may have in progress at once
MAX_STROKE_NUMBERS = 4000  # coordinates in one stroke before it is finished for the client


def audio_key(course_id: int) -> str:
    return f"classroom:{course_id}:audio"


@database_sync_to_async
def _admit(user, course_id: int) -> tuple[Course | None, int | None]:
    """The course, when ``user`` may enter its classroom; otherwise the close code saying why."""
    course = Course.objects.select_related("teacher").filter(pk=course_id).first()
    if course is None:
        return None, events.CLOSE_NOT_FOUND
    if not permissions.can_enter(user, course):
        return None, events.CLOSE_FORBIDDEN
    return course, None


@database_sync_to_async
def _enter(*, course_id: int, user_id: int, channel_name: str, after: int | None) -> tuple[bool, dict]:
    """Record the socket and read what the page needs, in one trip to the database thread.
    Returns (whether this is the user's first socket in the room, the state)."""
    first = services.presence_enter(course_id=course_id, user_id=user_id, channel_name=channel_name)
    return first, _initial_state(course_id, after)


def _initial_state(course_id: int, after: int | None) -> dict:
    return {
        "chat": [selectors.chat_message_dict(m) for m in selectors.chat_recent(course_id=course_id, after=after)],
        "board": selectors.board_state(course_id=course_id),
        "online": selectors.online_users(course_id=course_id),
        "draw": selectors.draw_permissions(course_id=course_id),
        "audio": bool(cache.get(audio_key(course_id))),
        # Clients drop their oldest elements past this, as the server does, so a client that
        # stayed connected ends with the same board as one that just joined.
        "board_limit": settings.CLASSROOM_BOARD_MAX_ACTIONS,
    }


class OnlineFrames:
    """The "online" frame of each classroom, read at most once per ``reuse`` seconds per process.

    Every socket's heartbeat sends its classroom's full online list; read per socket, a class of
    500 would fetch 500 rows 500 times per heartbeat period. A join stores the list it read.
    """

    def __init__(self, reuse: float):
        self.reuse = reuse
        self.frames: dict[int, tuple[float, str]] = {}

    def get(self, course_id: int) -> str | None:
        stored = self.frames.get(course_id)
        if stored and time.monotonic() - stored[0] < self.reuse:
            return stored[1]
        return None

    def put(self, course_id: int, online: list[dict]) -> str:
        now = time.monotonic()
        if len(self.frames) > 100:  # forget classrooms that went quiet
            self.frames = {k: v for k, v in self.frames.items() if now - v[0] < self.reuse}
        text = events.frame({"type": "online", "online": online})
        self.frames[course_id] = (now, text)
        return text

    def clear(self):
        self.frames.clear()


online_frames = OnlineFrames(reuse=2.0)


BOARD_PIECE_BYTES = 96 * 1024


def board_pieces(board: list[dict]) -> list[list[dict]]:
    """Split the board into runs of elements of at most ~96 KiB of JSON each."""
    pieces, piece, size = [], [], 0
    for element in board:
        length = len(events.frame(element))
        if piece and size + length > BOARD_PIECE_BYTES:
            pieces.append(piece)
            piece, size = [], 0
        piece.append(element)
        size += length
    if piece:
        pieces.append(piece)
    return pieces


def _after(scope) -> int | None:
    """``?after=<id>``: the newest chat message a reconnecting page already shows."""
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("after")
    if values and values[0].isdigit() and len(values[0]) < 19:
        return int(values[0])
    return None


class ClassroomConsumer(SiteConsumer):
    ready = False  # frames are handled only while this is set
    joined = False  # groups and presence to clean up on disconnect

    async def connect(self):
        # Accept first: a refusal before the handshake reaches the page as a bare failure, while
        # a close code after it lets the page say why (see events.CLOSE_*).
        await self.accept()
        self.user = self.scope["user"]
        self.course_id = int(self.scope["url_route"]["kwargs"]["course_id"])
        if not self.user.is_authenticated:
            return await self.close(code=events.CLOSE_LOGIN_REQUIRED)
        self.course, refusal = await _admit(self.user, self.course_id)
        if refusal:
            return await self.close(code=refusal)
        self.is_teacher = permissions.can_teach(self.user, self.course)
        self.room = events.room_group(self.course_id)
        self.strokes: dict[str, dict] = {}
        self.audio_on = False
        self.audio_dropped = 0
        self.refused_in_a_row = 0
        self.last_error_at = 0.0
        self.buckets = {
            kind: TokenBucket(*settings.CLASSROOM_RATE_LIMITS[kind]) for kind in ("chat", "board", "audio", "other")
        }
        # Subscribe before reading the state, so nothing falls between the two.
        await self.channel_layer.group_add(self.room, self.channel_name)
        await self.channel_layer.group_add(events.user_group(self.course_id, self.user.pk), self.channel_name)
        self.joined = True
        self.heartbeat = asyncio.create_task(self._heartbeat())
        first, state = await _enter(
            course_id=self.course_id, user_id=self.user.pk, channel_name=self.channel_name, after=_after(self.scope)
        )
        online_frames.put(self.course_id, state["online"])
        self.draw_permissions = state["draw"]
        me = {"user": self.user.username, "name": self.user.display_name, "teacher": self.is_teacher}
        # A full board can be larger than one WebSocket message may be (bin/serve's limit), so
        # it follows the state in "board" pieces; "board_pieces" says how many to expect.
        pieces = board_pieces(state.pop("board"))
        await self.send_json({"type": "state", "me": me, "may_draw": self._may_draw(), "board_pieces": len(pieces), **state})
        for piece in pieces:
            await self.send_json({"type": "board", "elements": piece})
        self.ready = True
        if first:
            await self._presence("join")

    async def disconnect(self, code):
        self.ready = False
        if not self.joined:
            return
        self.joined = False
        self.heartbeat.cancel()
        try:
            await self._finish_open_strokes()
        except Exception:  # noqa: BLE001 - the socket is going either way; its presence must too
            logger.exception("classroom %s: could not store an unfinished stroke", self.course_id)
        await self.channel_layer.group_discard(self.room, self.channel_name)
        await self.channel_layer.group_discard(events.user_group(self.course_id, self.user.pk), self.channel_name)
        if self.audio_on:
            await self._audio_state(False)
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
            kind = message["type"]
            bucket = {"chat": "chat", "draw": "board", "move": "board", "undo": "board"}.get(kind, "other")
            if not self.buckets[bucket].allow():
                return await self._refuse("rate_limited", _("Slow down: too many messages."))
            self.refused_in_a_row = 0
            await getattr(self, f"on_{kind}")(message)
        except ProtocolError as error:
            await self._error(error.code, error.message)
        except ValidationError as error:
            await self._error("invalid", " ".join(error.messages))

    async def _receive_audio(self, data: bytes):
        if not self.is_teacher:
            return await self._error("not_allowed", _("Only the teacher can send audio."))
        if not events.AUDIO_MIN_BYTES <= len(data) <= events.AUDIO_MAX_BYTES or len(data) % 2:
            return await self._error("bad_audio", _("Audio frames must be 20–100 ms of 16 kHz 16-bit PCM."))
        if not self.buckets["audio"].allow():
            return await self._refuse("rate_limited", _("Too much audio data."))
        self.refused_in_a_row = 0
        if not self.audio_on:
            return  # frames still in flight after "stop"; dropped without a word
        await self._group_send({"type": events.AUDIO, "data": data, "ts": time.time(), "sender": self.channel_name})

    async def on_ping(self, message):
        await self.send_json({"type": "pong"})

    async def on_chat(self, message):
        await database_sync_to_async(services.chat_post)(course=self.course, author=self.user, body=message["message"])

    async def on_draw(self, message):
        if not self._may_draw():
            return await self._error("not_allowed", _("The teacher has not let you draw."))
        sid = message.pop("sid")
        end = message.pop("end")
        message.pop("type")
        if message["tool"] == "text":
            return await self._store(sid, message)
        stroke = self.strokes.get(sid)
        if stroke is None:
            if len(self.strokes) >= MAX_OPEN_STROKES:
                self.strokes.pop(next(iter(self.strokes)))  # an abandoned stroke; forget it
            stroke = self.strokes[sid] = {**message, "points": []}
        if message["tool"] == "line":
            stroke["points"] = message["points"]
        else:
            stroke["points"] += message["points"]
        if message["points"] and message["tool"] != "line":
            live = {"type": "draw", "sid": sid, "user": self.user.username, **{**stroke, "points": message["points"]}, "end": False}
            await self._group_send(events.relay(events.BOARD, live, sender=self.channel_name))
        if end or len(stroke["points"]) >= MAX_STROKE_NUMBERS:
            del self.strokes[sid]
            if len(stroke["points"]) >= 2:
                await self._store(sid, stroke)

    async def _finish_open_strokes(self):
        """Store the strokes this socket has in progress as far as the others saw them: a stroke
        cut short (drawing taken away, connection lost) would otherwise stay half drawn on every
        page that watched it, and be missing from the board of anyone who joins later."""
        strokes, self.strokes = self.strokes, {}
        for sid, stroke in strokes.items():
            if len(stroke["points"]) >= 2:
                await self._store(sid, stroke)

    async def _store(self, sid: str, element: dict):
        await database_sync_to_async(services.whiteboard_add)(course=self.course, author=self.user, element=element, sid=sid)

    async def on_move(self, message):
        if not self.is_teacher:
            return await self._error("not_allowed", _("Only the teacher can move things on the board."))
        await database_sync_to_async(services.whiteboard_move)(
            course=self.course, element_id=message["id"], dx=message["dx"], dy=message["dy"]
        )

    async def on_undo(self, message):
        if not self._may_draw():
            return await self._error("not_allowed", _("The teacher has not let you draw."))
        await database_sync_to_async(services.whiteboard_undo)(course=self.course, author=self.user)

    async def on_clear(self, message):
        if not self.is_teacher:
            return await self._error("not_allowed", _("Only the teacher can clear the board."))
        await database_sync_to_async(services.whiteboard_clear)(course=self.course)

    async def on_draw_permission(self, message):
        if not self.is_teacher:
            return await self._error("not_allowed", _("Only the teacher can decide who draws."))
        await database_sync_to_async(services.draw_permission_set)(
            course=self.course, everyone=message.get("all"), username=message.get("user"), allowed=message.get("allowed")
        )

    async def on_audio(self, message):
        if not self.is_teacher:
            return await self._error("not_allowed", _("Only the teacher can send audio."))
        await self._audio_state(message["state"] == "start")

    # --- Layer events (see events.py) -----------------------------------------------------

    async def classroom_chat(self, event):
        await self.send(text_data=event["text"])

    classroom_presence = classroom_audio_state = classroom_chat

    async def classroom_board(self, event):
        if event.get("sender") != self.channel_name:
            await self.send(text_data=event["text"])

    async def classroom_permission(self, event):
        self.draw_permissions = {"all": event["message"]["all"], "users": event["message"]["users"]}
        may_draw = self._may_draw()
        await self.send_json({**event["message"], "may_draw": may_draw})
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

    # --- Helpers --------------------------------------------------------------------------

    def _may_draw(self) -> bool:
        return permissions.may_draw(is_teacher=self.is_teacher, username=self.user.username, permissions=self.draw_permissions)

    async def send(self, text_data=None, bytes_data=None, close=False):
        try:
            await super().send(text_data=text_data, bytes_data=bytes_data, close=close)
        except Exception as error:  # noqa: BLE001 - the client left mid-send; its disconnect follows
            logger.info("classroom %s: could not send to a closing socket (%s)", getattr(self, "course_id", "?"), error)

    async def send_json(self, content):
        await self.send(text_data=events.frame(content))

    async def _group_send(self, event):
        try:
            await self.channel_layer.group_send(self.room, event)
        except Exception:  # noqa: BLE001 - a layer hiccup drops one message, not the socket
            logger.exception("classroom %s: group_send failed", self.course_id)

    async def _presence(self, kind: str):
        # Small on purpose: a class of N joining sends N x N of these. Pages update their list
        # from it, and the heartbeat's full "online" list corrects anything missed.
        message = {"type": kind, "user": self.user.username, "name": self.user.display_name, "role": self.user.role}
        await self._group_send(events.relay(events.PRESENCE, message))

    async def _audio_state(self, on: bool):
        self.audio_on = on
        if on:
            await database_sync_to_async(cache.set)(audio_key(self.course_id), 1, settings.CLASSROOM_PRESENCE_TTL)
            message = {"type": "audio_start", "user": self.user.username, "sample_rate": events.AUDIO_SAMPLE_RATE}
        else:
            await database_sync_to_async(cache.delete)(audio_key(self.course_id))
            message = {"type": "audio_stop"}
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
                    await database_sync_to_async(cache.set)(audio_key(self.course_id), 1, settings.CLASSROOM_PRESENCE_TTL)
                text = online_frames.get(self.course_id)
                if text is None:
                    online = await database_sync_to_async(selectors.online_users)(course_id=self.course_id)
                    text = online_frames.put(self.course_id, online)
                await self.send(text_data=text)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - try again next beat
                logger.exception("classroom %s: heartbeat failed", self.course_id)

    async def _error(self, code: str, message: str):
        await self.send_json({"type": "error", "code": code, "message": message})

    async def _refuse(self, code: str, message: str):
        """A frame over the rate limit is dropped; a client that keeps flooding is closed."""
        self.refused_in_a_row += 1
        if self.refused_in_a_row > settings.CLASSROOM_FLOOD_CLOSE_AFTER:
            self.ready = False
            return await self.close(code=events.CLOSE_FLOOD)
        now = time.monotonic()
        if now - self.last_error_at >= 1.0:  # one notice per second is enough
            self.last_error_at = now
            await self._error(code, message)
