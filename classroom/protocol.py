"""Validation of every frame a classroom client sends (the message shapes are in events.py).

``parse_frame`` turns raw text into a clean dict, ``check_audio`` checks a binary frame; both
raise ``ProtocolError`` with a code and a message the page can show. Nothing here touches the
database.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs

from django.utils.translation import gettext as _

from elearning.parsing import parse_id

from .events import AUDIO_MAX_BYTES, AUDIO_MIN_BYTES
from .models import CHAT_MAX_LENGTH

MAX_TEXT_FRAME = 64 * 1024  # characters; a chat message of 5,000 characters is far below this
MAX_POINTS_PER_FRAME = 512  # numbers (256 points) in one live piece of a stroke
TOOLS = ("pen", "line", "eraser", "text")
COLOR_RE = re.compile(r"#[0-9a-fA-F]{6}")  # matched whole (fullmatch): "$" lets "\n" through
SID_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")
BOARD_TEXT_MAX = 300


class ProtocolError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _bad(message: str) -> ProtocolError:
    return ProtocolError("invalid", message)


def safe_text(value, *, field: str) -> str:
    """``value`` if it is text every database stores: no NUL (PostgreSQL refuses it) and no lone
    surrogate such as ``"\\ud800"`` (valid in JSON, but not encodable as UTF-8, so SQLite and
    PostgreSQL both raise). Every text a frame carries goes through here (and the HTTP chat
    form, through ``ChatForm``), before any length or content check."""
    if not isinstance(value, str):
        raise _bad(_("“%(field)s” must be text.") % {"field": field})
    if "\x00" in value:
        raise _bad(_("“%(field)s” cannot contain a NUL character.") % {"field": field})
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _bad(_("“%(field)s” is not valid Unicode text.") % {"field": field}) from None
    return value


def safe_number(value, *, field: str, low: float, high: float, integer: bool = False) -> float | int:
    """``value`` if it is a JSON number (not a boolean) within [low, high]. Compared as it came,
    never converted first: ``float()`` or ``math.isfinite()`` of a 400-digit integer raises
    OverflowError. NaN fails every comparison, and infinities are outside any range."""
    kinds = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or not low <= value <= high:
        if integer:
            message = _("“%(field)s” must be a whole number from %(low)s to %(high)s.")
        else:
            message = _("“%(field)s” must be a number between %(low)s and %(high)s.")
        raise _bad(message % {"field": field, "low": low, "high": high})
    return value if integer else round(float(value), 4)


def _bool(data: dict, key: str, default: bool | None = None) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise _bad(_("“%(field)s” must be true or false.") % {"field": key})
    return value


def _int(data: dict, key: str, low: int, high: int, default: int | None = None) -> int:
    return safe_number(data.get(key, default), field=key, low=low, high=high, integer=True)


def _number(value, low: float, high: float, field: str) -> float:
    return safe_number(value, field=field, low=low, high=high)


def _chat(data: dict) -> dict:
    message = safe_text(data.get("message"), field="message").strip()
    if not message:
        raise _bad(_("A chat message cannot be empty."))
    if len(message) > CHAT_MAX_LENGTH:
        raise ProtocolError("too_long", _("A chat message can be at most %(max)s characters.") % {"max": CHAT_MAX_LENGTH})
    return {"type": "chat", "message": message}


def _points(data: dict) -> list[float]:
    points = data.get("points")
    if not isinstance(points, list) or len(points) % 2 or len(points) > MAX_POINTS_PER_FRAME:
        raise _bad(_("“points” must be a list of x, y pairs (at most %(max)s numbers).") % {"max": MAX_POINTS_PER_FRAME})
    return [_number(value, 0.0, 1.0, "points") for value in points]


def _draw(data: dict) -> dict:
    tool = data.get("tool")
    if tool not in TOOLS:
        raise _bad(_("Unknown drawing tool."))
    sid = data.get("sid")
    if not isinstance(sid, str) or not SID_RE.fullmatch(sid):
        raise _bad(_("“sid” must be 1–32 letters, digits, hyphens or underscores."))
    color = data.get("color", "#000000")
    if not isinstance(color, str) or not COLOR_RE.fullmatch(color):
        raise _bad(_("“color” must look like #1a2b3c."))
    clean = {
        "type": "draw",
        "sid": sid,
        "tool": tool,
        "color": color.lower(),
        "width": _int(data, "width", 1, 60, default=4),
        "points": _points(data),
        "end": _bool(data, "end", default=False),
    }
    if tool == "text":
        text = safe_text(data.get("text"), field="text")
        if not text.strip() or len(text) > BOARD_TEXT_MAX:
            raise _bad(_("Board text must be 1–%(max)s characters.") % {"max": BOARD_TEXT_MAX})
        if len(clean["points"]) != 2:
            raise _bad(_("Board text needs exactly one point."))
        clean.update(text=text.strip(), size=_int(data, "size", 8, 120, default=24), end=True)
    elif tool == "line" and clean["end"] and len(clean["points"]) != 4:
        raise _bad(_("A line needs exactly two points."))
    return clean


def _move(data: dict) -> dict:
    return {
        "type": "move",
        "id": _int(data, "id", 1, 2**62),
        "dx": _number(data.get("dx"), -1.0, 1.0, "dx"),
        "dy": _number(data.get("dy"), -1.0, 1.0, "dy"),
    }


def _permission(data: dict) -> dict:
    if "user" in data:
        user = safe_text(data["user"], field="user")
        if not 0 < len(user) <= 150:
            raise _bad(_("“user” must be a username."))
        return {"type": "draw_permission", "user": user, "allowed": _bool(data, "allowed")}
    return {"type": "draw_permission", "all": _bool(data, "all")}


def _audio(data: dict) -> dict:
    state = data.get("state")
    if state not in ("start", "stop"):
        raise _bad(_("“state” must be start or stop."))
    return {"type": "audio", "state": state}


PARSERS = {
    "chat": _chat,
    "draw": _draw,
    "move": _move,
    "undo": lambda data: {"type": "undo"},
    "clear": lambda data: {"type": "clear"},
    "draw_permission": _permission,
    "audio": _audio,
    "ping": lambda data: {"type": "ping"},
}


def parse_frame(text: str) -> dict:
    if len(text) > MAX_TEXT_FRAME:
        raise ProtocolError("too_large", _("That message is too large."))
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise ProtocolError("bad_json", _("The message was not valid JSON.")) from None
    if not isinstance(data, dict):
        raise ProtocolError("bad_json", _("The message must be a JSON object."))
    parser = PARSERS.get(data.get("type")) if isinstance(data.get("type"), str) else None
    if parser is None:
        raise ProtocolError("unknown_type", _("Unknown message type."))
    return parser(data)


def check_audio(data: bytes) -> bytes:
    """A binary frame of the microphone: 20–100 ms of 16 kHz 16-bit PCM, or ``ProtocolError``."""
    if not AUDIO_MIN_BYTES <= len(data) <= AUDIO_MAX_BYTES or len(data) % 2:
        raise ProtocolError("bad_audio", _("Audio frames must be 20–100 ms of 16 kHz 16-bit PCM."))
    return data


def parse_after(query_string: bytes) -> int | None:
    """``?after=<id>`` of the socket's URL: the newest chat message a reconnecting page already
    shows (None when absent or not a plain id)."""
    values = parse_qs(query_string.decode("latin-1")).get("after")
    return parse_id(values[0]) if values else None
