"""The catalogue: pages that forgive a stale ?page=, and cards that mark the student's courses."""

import pytest

from .factories import CourseFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("asked,shown", [("999", 2), ("abc", 1), ("-1", 2), ("2", 2)])
def test_a_page_out_of_range_or_mangled_shows_the_nearest_page(client, asked, shown):
    CourseFactory.create_batch(13)  # 12 a page: two pages
    response = client.get("/courses/", {"page": asked})
    assert response.status_code == 200
    assert response.context["page_obj"].number == shown


@pytest.mark.parametrize(
    "url", ["/notifications/", "/accounts/search/", "/accounts/invitations/"], ids=["notifications", "people", "invitations"]
)
def test_every_paginated_list_forgives_a_page_out_of_range(login, teacher, url):
    response = login(teacher).get(url, {"page": "999"})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1


def test_cards_mark_the_courses_the_student_joined(login, student):
    joined = CourseFactory(title="Joined course")
    EnrollmentFactory(course=joined, student=student)
    left = CourseFactory(title="Left course")
    EnrollmentFactory(course=left, student=student, is_active=False)
    CourseFactory(title="Other course")
    response = login(student).get("/courses/")
    marked = {course.title for course in response.context["courses"] if course.viewer_enrolled}
    assert marked == {"Joined course"}
    html = response.content.decode()
    assert html.count("Enrolled") == 1 and "you are in this course" in html


def test_visitors_see_no_marks(client):
    CourseFactory()
    assert "Enrolled" not in client.get("/courses/").content.decode()
