"""Authorization rows for the classroom URLs (see elearning.testing.authz)."""

from elearning.testing.authz import FORBIDDEN, OK, TO_LOGIN, Case, Expect, only


def room_url(suffix=""):
    return lambda w: f"/courses/{w.course.pk}/classroom/{suffix}"


def members_only(expect: Expect) -> dict[str, Expect]:
    """The course's teacher and enrolled students; the rest 403 (admins too: it is a lesson)."""
    return {**only(expect, "teacher", "enrolled", others=FORBIDDEN), "anonymous": TO_LOGIN}


MATRIX = {
    "classroom:room": Case(room_url(), members_only(OK)),
    "classroom:messages": Case(room_url("messages/"), members_only(OK)),
    "classroom:messages POST": Case(
        room_url("messages/"), members_only(Expect(201)), method="post", data={"message": "Hello"}
    ),
}
