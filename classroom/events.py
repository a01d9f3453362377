"""Everything that travels through the classroom: groups, layer events, client messages, and
the functions that build every message the server sends (the consumer writes none itself).

Channel-layer events (between processes) have prefixed types and are handled by the consumer
method of the same name with dots turned into underscores:

``classroom.chat``        {"text": <chat message, below, as JSON text>}
``classroom.board``       {"text": <any whiteboard message as JSON text>, "sender": channel name}
``classroom.presence``    {"text": <join / leave message as JSON text>}
``classroom.permission``  {"message": <draw_permission message>} (each socket adds its "may_draw")
``classroom.audio``       {"data": bytes, "ts": epoch seconds sent, "sender": channel name}
``classroom.audio_state`` {"text": <audio_start / audio_stop message as JSON text>}
``classroom.kick``        {} — sent to one user's group: close that user's sockets (4003)
``classroom.end``         {} — sent to the room: the course is gone, close every socket (4404)

WebSocket text frames are JSON objects with a ``type``. The client sends:

``{"type": "chat", "message": str}``                 1–5,000 characters after trimming
``{"type": "draw", "sid": str, "tool": "pen"|"line"|"eraser"|"text", "color": "#rrggbb",
   "width": int, "points": [x0, y0, x1, y1, …], "end": bool, "text": str, "size": int}``
    a piece of a stroke as it is drawn (coordinates normalised to 0–1, at most one message per
    animation frame); ``end`` finishes it and the server stores it; ``text`` tool: one point
``{"type": "move", "id": int, "dx": float, "dy": float}``  teacher: set an element's offset
``{"type": "undo"}``                                  remove the sender's newest element
``{"type": "clear"}``                                 teacher: wipe the board
``{"type": "draw_permission", "all": bool}``          teacher: let every student draw, or not
``{"type": "draw_permission", "user": str, "allowed": bool}``  teacher: one student (username)
``{"type": "audio", "state": "start"|"stop"}``        teacher: microphone on / off
``{"type": "ping"}``                                  answered with ``{"type": "pong"}``
binary frames                                         teacher only: 16 kHz mono 16-bit
                                                      little-endian PCM, 20–100 ms each

The server sends:

``state``        on connect: {"me", "chat": [chat…], "online": [user…], "draw": {"all", "users"},
                 "may_draw", "audio": bool, "board_limit": int, "board_pieces": int}
                 (clients keep only the newest ``board_limit`` elements, as the server does)
``board``        {"elements": [element…]}: right after ``state``, ``board_pieces`` of these
                 carry the stored board, oldest first (one message could exceed the size limit)
``chat``         {"id", "message", "user" (username), "name", "role", "at" (ISO 8601), "photo", "initial"}
``join``/``leave`` {"user", "name", "role", "photo", "initial"}: someone's first socket opened /
                 last one closed
``online``       {"online": [user…]}: the full list, every heartbeat (corrects crashes); a user is
                 {"user", "name", "role", "photo", "initial"}
                 ("photo": the avatar's URL or ""; "initial": the letter shown without one)
``draw``         a live piece {"sid", "user", tool, color, width, points, "end": false}, or the
                 finished element {"sid", "user", "end": true, "element": element}
``move`` {"id", "dx", "dy"}; ``undo`` {"id"}; ``clear`` {}
``draw_permission`` {"all", "users": [username…]}
``audio_start`` {"user", "sample_rate": 16000}; ``audio_stop`` {}
``error``        {"code", "message"} — the frame was refused; the socket stays open
binary frames    the teacher's audio, as received

An element is {"id", "user", "tool", "color", "width", "points", "dx", "dy"} plus "text" and
"size" for text.
"""

from __future__ import annotations

import json

from accounts.models import initial_of
from elearning.consumers import CLOSE_TOO_MANY_SOCKETS as SITE_CLOSE_TOO_MANY_SOCKETS

# Layer event types.
CHAT = "classroom.chat"
BOARD = "classroom.board"
PRESENCE = "classroom.presence"
PERMISSION = "classroom.permission"
AUDIO = "classroom.audio"
AUDIO_STATE = "classroom.audio_state"
KICK = "classroom.kick"
END = "classroom.end"
CLOSED = "classroom.closed"

# Close codes the page explains (4000–4999 are the application's own).
CLOSE_LOGIN_REQUIRED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_REMOVED = 4003
CLOSE_FLOOD = 4008
CLOSE_TRY_AGAIN = 4013  # the channel layer (Redis) is down: the page retries, polling meanwhile (Daphne
# (autobahn) refuses to send the standard 1013 from a server: only 1000 and 3000–4999 are allowed)
CLOSE_COURSE_CLOSED = 4410  # the course is closed: read-only, its classroom admits only the teacher
CLOSE_TOO_MANY_SOCKETS = SITE_CLOSE_TOO_MANY_SOCKETS  # CLASSROOM_MAX_SOCKETS_PER_USER open already

AUDIO_SAMPLE_RATE = 16_000
AUDIO_BYTES_PER_MS = AUDIO_SAMPLE_RATE * 2 // 1000  # 16-bit mono
AUDIO_MIN_BYTES = 20 * AUDIO_BYTES_PER_MS
AUDIO_MAX_BYTES = 100 * AUDIO_BYTES_PER_MS


def room_group(course_id: int) -> str:
    return f"classroom.{course_id}"


def user_group(course_id: int, user_id: int) -> str:
    """Every socket of one user in one classroom, so a kick reaches all of them on any process."""
    return f"classroom.{course_id}.user.{user_id}"


def frame(message: dict) -> str:
    """A message as the compact JSON text of one WebSocket frame."""
    return json.dumps(message, separators=(",", ":"))


def relay(event_type: str, message: dict, **extra) -> dict:
    """A layer event carrying a message every socket sends unchanged, encoded once here rather
    than once per socket (a join in a class of 500 is otherwise encoded 500 times)."""
    return {"type": event_type, "text": frame(message), **extra}


# --- Messages the server sends (the shapes documented above) --------------------------------


def me(user, *, is_teacher: bool) -> dict:
    return {"user": user.username, "name": user.display_name, "teacher": is_teacher}


def state(*, me: dict, may_draw: bool, board_pieces: int, room: dict) -> dict:
    """``room`` is ``selectors.classroom_state`` without its board (which follows in pieces)."""
    return {"type": "state", "me": me, "may_draw": may_draw, "board_pieces": board_pieces, **room}


BOARD_PIECE_BYTES = 96 * 1024


def board_pieces(board: list[dict]) -> list[dict]:
    """The stored board as ``board`` messages of at most ~96 KiB of JSON each, oldest first: a
    whole board can be larger than one WebSocket message may be (bin/serve's limit)."""
    pieces, piece, size = [], [], 0
    for element in board:
        length = len(frame(element))
        if piece and size + length > BOARD_PIECE_BYTES:
            pieces.append(piece)
            piece, size = [], 0
        piece.append(element)
        size += length
    if piece:
        pieces.append(piece)
    return [{"type": "board", "elements": piece} for piece in pieces]


def chat(message) -> dict:
    """A stored chat message (a ``ChatMessage`` with its author loaded), as every page gets it:
    on the socket, in the state on entry and from the HTTP fallback."""
    author = message.author
    return {
        "type": "chat",
        "id": message.pk,
        "message": message.body,
        "user": author.username,
        "name": author.display_name,
        "role": author.role,
        "at": message.created_at.isoformat(),
        **avatar(photo_url=author.photo_url, name=author.display_name),
    }


def pong() -> dict:
    return {"type": "pong"}


def error(code: str, message) -> dict:
    """A refused frame; ``message`` may be a lazy translation."""
    return {"type": "error", "code": code, "message": str(message)}


def avatar(*, photo_url: str, name: str) -> dict:
    """The fields a page draws a small avatar from: the photo's URL, or the initial without one."""
    return {"photo": photo_url, "initial": initial_of(name)}


def person(*, username: str, name: str, role: str, photo_url: str) -> dict:
    """One user in ``join``/``leave`` and in the ``online`` list."""
    return {"user": username, "name": name, "role": role, **avatar(photo_url=photo_url, name=name)}


def presence(kind: str, user) -> dict:
    """``join`` or ``leave``. Small on purpose: a class of N joining sends N x N of these."""
    return {"type": kind, **person(username=user.username, name=user.display_name, role=user.role, photo_url=user.photo_url)}


def online(users: list[dict]) -> dict:
    return {"type": "online", "online": users}


def draw_piece(*, sid: str, username: str, stroke: dict) -> dict:
    """A live piece of a stroke: ``stroke`` holds its tool, color, width and this piece's points."""
    return {"type": "draw", "sid": sid, "user": username, **stroke, "end": False}


def draw_permission(message: dict, *, may_draw: bool) -> dict:
    """The ``classroom.permission`` event's message, with what it means for this socket."""
    return {**message, "may_draw": may_draw}


def audio_started(user) -> dict:
    return {"type": "audio_start", "user": user.username, "sample_rate": AUDIO_SAMPLE_RATE}


def audio_stopped() -> dict:
    return {"type": "audio_stop"}


def draw_finished(*, sid: str, username: str, element: dict) -> dict:
    """A stroke (or text) stored: every page replaces its live pieces with ``element``."""
    return {"type": "draw", "sid": sid, "user": username, "end": True, "element": element}


def moved(element_id: int, *, dx: float, dy: float) -> dict:
    return {"type": "move", "id": element_id, "dx": dx, "dy": dy}


def undone(element_id: int) -> dict:
    return {"type": "undo", "id": element_id}


def cleared() -> dict:
    return {"type": "clear"}


# --- Layer events ---------------------------------------------------------------------------


def chat_event(message: dict) -> dict:
    """``classroom.chat`` carrying a ``chat`` message (``chat``)."""
    return relay(CHAT, message)


def board_event(message: dict, *, sender: str = "") -> dict:
    """``classroom.board``: any whiteboard message; ``sender``'s own socket skips it."""
    return relay(BOARD, message, sender=sender) if sender else relay(BOARD, message)


def permission_event(permissions: dict) -> dict:
    """``classroom.permission``: each socket adds its own ``may_draw`` (see draw_permission)."""
    return {"type": PERMISSION, "message": {"type": "draw_permission", **permissions}}


def kick_event() -> dict:
    return {"type": KICK}


def end_event() -> dict:
    return {"type": END}


def closed_event() -> dict:
    return {"type": CLOSED}


def audio_frame(data: bytes, *, ts: float, sender: str) -> dict:
    return {"type": AUDIO, "data": data, "ts": ts, "sender": sender}
