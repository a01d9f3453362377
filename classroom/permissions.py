"""Who may do what in a classroom. Entering is the course's rule; the rest is the teacher's."""

from __future__ import annotations

from courses.permissions import can_access_content, is_owner


def can_enter(user, course) -> bool:
    """The course's teacher and actively enrolled, non-blocked students."""
    return can_access_content(user, course)


def can_teach(user, course) -> bool:
    """Audio, clear, move and draw permissions belong to the course's teacher."""
    return is_owner(user, course)


def may_draw(*, is_teacher: bool, username: str, permissions: dict) -> bool:
    """``permissions`` is ``selectors.draw_permissions``; the consumer keeps it current."""
    return is_teacher or permissions["all"] or username in permissions["users"]
