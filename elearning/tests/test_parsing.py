"""Numbers from URLs and headers: ASCII digits only; anything else is refused, never a 500."""

from __future__ import annotations

import pytest
from channels.testing import WebsocketCommunicator

from classroom.tests.helpers import run
from courses.tests.factories import CourseFactory
from elearning.asgi import application
from elearning.parsing import parse_id


@pytest.mark.parametrize(
    "text,expected",
    [("0", 0), ("42", 42), ("9" * 18, int("9" * 18)), ("9" * 19, None), ("²", None), ("٣", None),
     ("-1", None), ("+1", None), (" 1", None), ("", None), (None, None), ("1e3", None)],
)
def test_parse_id(text, expected):
    assert parse_id(text) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("after", ["%C2%B2", "%D9%A3", "-1", "1" * 30])
def test_a_superscript_after_is_a_400_not_a_500(login, teacher, after):
    course = CourseFactory(teacher=teacher)
    response = login(teacher).get(f"/courses/{course.pk}/classroom/messages/?after={after}")
    assert response.status_code == 400
    assert "message number" in response.json()["error"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/ws/nowhere/", "/ws/classroom/abc/", "/ws/", "/other"])
def test_an_unknown_socket_path_is_refused_quietly(path, caplog):
    async def scenario():
        communicator = WebsocketCommunicator(application, path, headers=[(b"origin", b"http://127.0.0.1")])
        connected, code = await communicator.connect()
        assert not connected
        await communicator.disconnect()

    run(scenario)
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]
