"""The classroom's reactions to what the layers below announce (connected in apps.py)."""

from . import services


def close_sockets_of_revoked(sender, *, course, user_id: int, **kwargs) -> None:
    """Unenrolled, removed or blocked: their open sockets in that room close (4003)."""
    services.classroom_kick(course_id=course.pk, user_id=user_id)


def end_classroom(sender, *, course, **kwargs) -> None:
    """The course is being deleted: every socket of its room closes (4404) after the commit."""
    services.classroom_end(course_id=course.pk)


def close_classroom_to_students(sender, *, course, **kwargs) -> None:
    """The course was closed: its students' sockets close (4410); the teacher's stay."""
    services.classroom_close_to_students(course_id=course.pk)


def close_sockets_of_blocked(sender, *, user, **kwargs) -> None:
    """An account block closes that user's sockets in every classroom."""
    services.classrooms_close_for(user_id=user.pk)
