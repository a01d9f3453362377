"""The classroom page and the HTTP chat fallback."""

from __future__ import annotations


import pytest

from accounts.tests.factories import StudentFactory, TeacherFactory
from classroom import events
from classroom.models import CHAT_MAX_LENGTH, ChatMessage
from courses import services as course_services
from courses.tests.factories import CourseFactory
from elearning.testing.queries import assert_queries_flat


@pytest.fixture
def course(db):
    course = CourseFactory(teacher=TeacherFactory(username="t_view"))
    return course


@pytest.fixture
def enrolled(course):
    student = StudentFactory(username="s_view", full_name="Vera <script>alert(1)</script>")
    course_services.enrollment_enroll(student=student, course=course)
    return student


def test_page_shows_the_last_100_messages_escaped_with_flat_queries(login, course, enrolled):
    client = login(enrolled)
    url = f"/courses/{course.pk}/classroom/"

    def grow(n):
        for i in range(n):
            author = StudentFactory()
            course_services.enrollment_enroll(student=author, course=course)
            ChatMessage.objects.create(course=course, author=author, body=f"<i>hello</i> {i}")

    assert_queries_flat(lambda: client.get(url), grow, small=1, large=30)
    ChatMessage.objects.create(course=course, author=enrolled, body="<img src=x onerror=alert(1)>")
    grow(100)
    html = client.get(url).content.decode()
    assert html.count('class="chat-line"') == 100
    assert "&lt;img src=x onerror=alert(1)&gt;" not in html  # pushed out: only the last 100
    assert "<i>hello</i>" not in html and "&lt;i&gt;hello&lt;/i&gt; 99" in html
    assert "<script>alert(1)</script>" not in html
    assert f'"socket": "/ws/classroom/{course.pk}/"' in html


def test_page_config_carries_the_close_codes_and_the_chat_limits(login, course, enrolled):
    """The page's JavaScript takes these from the server, never from constants of its own."""
    response = login(enrolled).get(f"/courses/{course.pk}/classroom/")
    config = response.context["room_config"]
    assert set(config["finalCloseCodes"]) == {
        events.CLOSE_LOGIN_REQUIRED,
        events.CLOSE_FORBIDDEN,
        events.CLOSE_NOT_FOUND,
        events.CLOSE_REMOVED,
        events.CLOSE_FLOOD,
        events.CLOSE_COURSE_CLOSED,
        events.CLOSE_TOO_MANY_SOCKETS,
    }
    assert set(config["closeReasons"]) == {str(code) for code in config["finalCloseCodes"]}  # each is explained
    assert config["chatMaxLength"] == CHAT_MAX_LENGTH
    assert config["chatLogLines"] >= 100  # at least what the page renders
    assert str(CHAT_MAX_LENGTH) in config["text"]["tooLong"]
    assert f'maxlength="{CHAT_MAX_LENGTH}"' in response.content.decode()


def test_blocked_student_is_told_why(login, course, enrolled):
    course_services.roster_block_student(course=course, student=enrolled, blocked_by=course.teacher)
    response = login(enrolled).get(f"/courses/{course.pk}/classroom/")
    assert response.status_code == 403
    assert "blocked you" in response.content.decode()


def test_unknown_course_is_404(login, enrolled):
    assert login(enrolled).get("/courses/999999/classroom/").status_code == 404


def test_fallback_post_saves_and_get_polls_newer_messages(login, course, enrolled):
    client = login(enrolled)
    url = f"/courses/{course.pk}/classroom/messages/"
    first = client.post(url, {"message": "  sent over HTTP  "})
    assert first.status_code == 201
    message = first.json()["message"]
    assert message["message"] == "sent over HTTP" and message["user"] == "s_view"
    teacher_reply = login(course.teacher).post(url, {"message": "got it"}).json()["message"]
    newer = client.get(url, {"after": message["id"]}).json()["messages"]
    assert [m["message"] for m in newer] == ["got it"] and newer[0]["id"] == teacher_reply["id"]
    assert client.get(url, {"after": teacher_reply["id"]}).json() == {"messages": []}


@pytest.mark.parametrize(
    ("data", "error"),
    [({}, "cannot be empty"), ({"message": "   "}, "cannot be empty"), ({"message": "x" * 5001}, "at most 5000")],
)
def test_fallback_refuses_bad_messages(login, course, enrolled, data, error):
    response = login(enrolled).post(f"/courses/{course.pk}/classroom/messages/", data)
    assert response.status_code == 400 and error in response.json()["error"]
    assert not ChatMessage.objects.exists()


@pytest.mark.parametrize("after", ["abc", "-1", "1" * 30, "1.5"])
def test_fallback_refuses_a_bad_after(login, course, enrolled, after):
    response = login(enrolled).get(f"/courses/{course.pk}/classroom/messages/", {"after": after})
    assert response.status_code == 400


def test_fallback_is_rate_limited(login, course, enrolled, settings):
    settings.CLASSROOM_HTTP_CHAT_PER_MINUTE = 3
    client = login(enrolled)
    url = f"/courses/{course.pk}/classroom/messages/"
    codes = [client.post(url, {"message": f"m{i}"}).status_code for i in range(5)]
    assert codes == [201, 201, 201, 429, 429]
    assert ChatMessage.objects.count() == 3


def test_fallback_needs_csrf(course, enrolled):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(enrolled)
    assert client.post(f"/courses/{course.pk}/classroom/messages/", {"message": "hi"}).status_code == 403
