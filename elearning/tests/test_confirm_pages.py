"""A typed or bookmarked GET of a POST-only action gets a page with the button, not a blank 405."""

from __future__ import annotations

import pytest

from courses.tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "who,url,button",
    [
        ("student", "/accounts/logout/", "Log out"),
        ("student", "/courses/{course}/enroll/", "Join the course"),
        ("student", "/courses/{course}/unenroll/", "Leave the course"),
        ("student", "/notifications/read-all/", "Mark all as read"),
        (None, "/courses/{course}/enroll/", "Join the course"),
    ],
)
def test_a_get_shows_the_button_and_changes_nothing(request, login, who, url, button):
    course = CourseFactory()
    client = login(request.getfixturevalue(who) if who else None)
    url = url.format(course=course.pk)
    response = client.get(url)
    assert response.status_code == 405 and response["Allow"] == "POST"
    page = response.content.decode()
    assert f'<form method="post" action="{url}"' in page and f">{button}</button>" in page
    assert "csrfmiddlewaretoken" in page
    if who:
        assert "_auth_user_id" in client.session  # a GET of logout signs nobody out
    assert not course.enrollments.exists()


def test_the_page_button_does_the_action(login, student):
    course = CourseFactory()
    client = login(student)
    assert client.get(f"/courses/{course.pk}/enroll/").status_code == 405
    assert client.post(f"/courses/{course.pk}/enroll/").status_code == 302
    assert course.enrollments.filter(student=student, is_active=True).exists()
