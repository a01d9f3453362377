"""Classroom services on the real database."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accounts.tests.factories import StudentFactory, TeacherFactory
from classroom import selectors, services
from classroom.models import WhiteboardAction
from courses.tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return CourseFactory(teacher=TeacherFactory())


def pen(points):
    return {"tool": "pen", "color": "#000000", "width": 3, "points": points}


def test_chat_post_validates(course):
    with pytest.raises(ValidationError):
        services.chat_post(course=course, author=course.teacher, body="   ")
    with pytest.raises(ValidationError):
        services.chat_post(course=course, author=course.teacher, body="x" * 5001)
    assert services.chat_post(course=course, author=course.teacher, body="x" * 5000).body == "x" * 5000


def test_straight_strokes_are_stored_with_few_points_and_curves_keep_their_shape(course):
    straight = [c for i in range(100) for c in (i / 100, 0.5)]
    element = services.whiteboard_add(course=course, author=course.teacher, element=pen(straight), sid="a")
    assert element["points"] == [0.0, 0.5, 0.99, 0.5]
    corner = [0.1, 0.1, 0.5, 0.1, 0.5, 0.5]
    assert services.whiteboard_add(course=course, author=course.teacher, element=pen(corner), sid="b")["points"] == corner


def test_board_keeps_the_newest_actions(course, settings):
    settings.CLASSROOM_BOARD_MAX_ACTIONS = 10
    ids = [
        services.whiteboard_add(course=course, author=course.teacher, element=pen([0, 0, i / 20, 1]), sid=str(i))["id"]
        for i in range(15)
    ]
    assert [e["id"] for e in selectors.board_state(course_id=course.pk)] == ids[5:]
    assert WhiteboardAction.objects.count() == 10


def test_undo_removes_only_the_authors_newest(course):
    student = StudentFactory()
    a = services.whiteboard_add(course=course, author=course.teacher, element=pen([0, 0, 1, 1]), sid="a")
    services.whiteboard_add(course=course, author=student, element=pen([0, 1, 1, 0]), sid="b")
    assert services.whiteboard_undo(course=course, author=course.teacher) == a["id"]
    assert services.whiteboard_undo(course=course, author=course.teacher) is None
    assert [e["user"] for e in selectors.board_state(course_id=course.pk)] == [student.username]


def test_draw_permission_only_for_students_of_the_course(course):
    outsider = StudentFactory()
    with pytest.raises(ValidationError):
        services.draw_permission_set(course=course, username=outsider.username, allowed=True)
    assert services.draw_permission_set(course=course, everyone=True) == {"all": True, "users": []}


def test_online_users_is_one_query_however_many_are_online(course):
    from elearning.testing.queries import assert_queries_flat

    teacher = course.teacher
    services.presence_enter(course_id=course.pk, user_id=teacher.pk, channel_name="t1")
    services.presence_enter(course_id=course.pk, user_id=teacher.pk, channel_name="t2")  # a second tab

    def grow(n):
        for _ in range(n):
            student = StudentFactory()
            services.presence_enter(course_id=course.pk, user_id=student.pk, channel_name=f"s{student.pk}")

    assert assert_queries_flat(lambda: selectors.online_users(course_id=course.pk), grow) == 1
    online = selectors.online_users(course_id=course.pk)
    assert len(online) == 51  # the teacher's two sockets count once
    assert online[0] == {
        "user": teacher.username, "name": teacher.display_name, "role": "teacher", "photo": "", "initial": teacher.initial,
    }
    names = [person["name"] for person in online[1:]]
    assert names == sorted(names, key=str.casefold)


def test_online_names_are_the_users_display_names(course):
    from accounts.models import display_name_of

    people = [
        StudentFactory(full_name="Ada Full", first_name="Ignored", last_name="Too"),
        StudentFactory(full_name="", first_name="Bo", last_name="Split"),
        StudentFactory(full_name="", first_name="", last_name=""),
    ]
    for person in people:
        services.presence_enter(course_id=course.pk, user_id=person.pk, channel_name=f"c{person.pk}")
    shown = {p["user"]: p["name"] for p in selectors.online_users(course_id=course.pk)}
    assert shown == {p.username: p.display_name for p in people}
    assert [p.display_name for p in people] == ["Ada Full", "Bo Split", people[2].username]
    assert display_name_of(username="u", first_name="", last_name="Solo") == "Solo"
