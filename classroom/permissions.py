"""Who may do what in a classroom. Entering is the course's rule; the rest is the teacher's.

Every action a classroom socket can ask for has one rule in ``RULES`` (and the words the page
shows when it is refused); the consumer asks ``can_perform`` before calling any service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from courses.permissions import can_take_part, is_owner


def can_enter(user, course) -> bool:
    """The course's teacher and its actively enrolled, non-blocked students; once the course is
    closed, the teacher alone (to read back the chat and the board: nobody else can come in)."""
    return is_owner(user, course) or can_take_part(user, course)


def can_teach(user, course) -> bool:
    """Audio, clear, move and draw permissions belong to the course's teacher."""
    return is_owner(user, course)


@dataclass
class Seat:
    """One socket's place in a classroom: what the rules below need to know about it.

    ``draw`` is ``selectors.draw_permissions`` (``{"all": bool, "users": [username…]}``); the
    consumer replaces it whenever the teacher changes who may draw.
    """

    username: str
    is_teacher: bool
    draw: dict


def may_draw(seat: Seat) -> bool:
    return seat.is_teacher or seat.draw["all"] or seat.username in seat.draw["users"]


def _anyone(seat: Seat) -> bool:
    return True


def _teacher(seat: Seat) -> bool:
    return seat.is_teacher


NOT_A_DRAWER = _("The teacher has not let you draw.")
ONLY_TEACHER_AUDIO = _("Only the teacher can send audio.")

# action → (who may, what the page says to the others). Actions are the client's message types
# (classroom.protocol.PARSERS) plus "audio_data", the binary frames of the microphone.
RULES: dict[str, tuple[Callable[[Seat], bool], str | None]] = {
    "ping": (_anyone, None),
    "chat": (_anyone, None),  # entering the classroom is the permission to chat
    "draw": (may_draw, NOT_A_DRAWER),
    "undo": (may_draw, NOT_A_DRAWER),
    "move": (_teacher, _("Only the teacher can move things on the board.")),
    "clear": (_teacher, _("Only the teacher can clear the board.")),
    "draw_permission": (_teacher, _("Only the teacher can decide who draws.")),
    "audio": (_teacher, ONLY_TEACHER_AUDIO),
    "audio_data": (_teacher, ONLY_TEACHER_AUDIO),
}


def can_perform(action: str, seat: Seat) -> bool:
    """Whether ``seat`` may do ``action``; an action without a rule is refused."""
    rule = RULES.get(action)
    return rule is not None and rule[0](seat)


def refusal(action: str) -> str:
    """Why ``action`` was refused, for the page."""
    rule = RULES.get(action)
    return str(rule[1] if rule and rule[1] else _("You may not do that here."))
