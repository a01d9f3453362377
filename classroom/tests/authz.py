"""Authorization rows for the classroom URLs (see elearning.testing.authz)."""

from courses.tests.authz import closed_course
from elearning.testing.authz import FORBIDDEN, OK, TO_LOGIN, Case, Expect, only


def room_url(suffix=""):
    return lambda w: f"/courses/{w.course.pk}/classroom/{suffix}"


def closed_room_url(suffix=""):
    return lambda w: f"/courses/{w.inactive_course.pk}/classroom/{suffix}"


def members_only(expect: Expect) -> dict[str, Expect]:
    """The course's teacher and enrolled students; the rest 403 (admins too: it is a lesson)."""
    return {**only(expect, "teacher", "enrolled", others=FORBIDDEN), "anonymous": TO_LOGIN}


MATRIX = {
    "classroom:room": Case(room_url(), members_only(OK)),
    "classroom:messages": Case(room_url("messages/"), members_only(OK)),
    "classroom:messages POST": Case(
        room_url("messages/"), members_only(Expect(201)), method="post", data={"message": "Hello"}
    ),
    # A closed course's classroom admits its teacher only (to read back chat and board).
    "classroom:room inactive": Case(closed_room_url(), closed_course(OK, FORBIDDEN)),
    "classroom:messages inactive": Case(closed_room_url("messages/"), closed_course(OK, FORBIDDEN)),
    "classroom:messages inactive POST": Case(
        closed_room_url("messages/"), closed_course(Expect(201), FORBIDDEN), method="post", data={"message": "Hi"}
    ),
}
