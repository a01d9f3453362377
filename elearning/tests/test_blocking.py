"""Every way of blocking an account goes through one service and closes the user's sockets once."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model

from accounts import services
from accounts.signals import user_blocked
from classroom.events import CLOSE_REMOVED
from classroom.tests.helpers import Socket, run
from conftest import client_for
from courses import services as course_services
from courses.tests.factories import CourseFactory
from notifications.consumers import CLOSE_NOT_SIGNED_IN
from notifications.tests.test_consumers import closed_with, socket

pytestmark = pytest.mark.django_db(transaction=True)


def change_form_data(user, **changes) -> dict:
    """What the admin's user change form posts, with ``changes`` applied."""
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "bio": user.bio,
        "role": user.role,
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def blocking_from_the_change_form(admin_user, student):
    response = client_for(admin_user).post(
        f"/admin/accounts/user/{student.pk}/change/", change_form_data(student, is_blocked="on")
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def blocking_by_the_admin_action(admin_user, student):
    response = client_for(admin_user).post(
        "/admin/accounts/user/", {"action": "block_users", "_selected_action": [student.pk]}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("block", [blocking_from_the_change_form, blocking_by_the_admin_action])
def test_a_block_closes_the_users_classroom_and_badge_sockets(admin_user, teacher, student, block):
    course = CourseFactory(teacher=teacher)
    course_services.enrollment_enroll(student=student, course=course)

    async def scenario():
        room = Socket(course.pk, student)
        await room.open()
        badge = socket(student)
        assert (await badge.connect())[0]
        await badge.receive_json_from()  # the unread count
        await database_sync_to_async(block)(admin_user, student)
        assert await room.closed_with() == CLOSE_REMOVED
        assert await closed_with(badge) == CLOSE_NOT_SIGNED_IN

    run(scenario)
    assert get_user_model().objects.get(pk=student.pk).is_blocked


def test_the_change_form_still_saves_everything_else(admin_user, student):
    client_for(admin_user).post(
        f"/admin/accounts/user/{student.pk}/change/", change_form_data(student, full_name="Renamed Person")
    )
    student.refresh_from_db()
    assert (student.full_name, student.is_blocked) == ("Renamed Person", False)


def test_blocking_twice_announces_once(student):
    heard = []
    user_blocked.connect(lambda sender, user, **kw: heard.append(user.pk), dispatch_uid="test-once", weak=False)
    try:
        assert services.user_set_blocked(user=student, blocked=True) is True
        assert services.user_set_blocked(user=student, blocked=True) is False
    finally:
        user_blocked.disconnect(dispatch_uid="test-once")
    assert heard == [student.pk]
