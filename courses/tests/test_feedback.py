"""Feedback: one editable rating per enrolled student; seen by the course's people only."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError

from accounts.tests.factories import StudentFactory
from courses import selectors, services
from courses.models import Feedback
from elearning.testing.parallel import run_parallel

from .factories import CourseBlockFactory, CourseFactory, EnrollmentFactory, FeedbackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(teacher):
    return CourseFactory(teacher=teacher)


@pytest.fixture
def enrolled(course):
    return EnrollmentFactory(course=course).student


def test_an_enrolled_student_rates_and_then_edits_one_feedback(login, course, enrolled):
    client = login(enrolled)
    first = client.post(f"/courses/{course.pk}/feedback/", {"rating": "4", "comment": "Clear & kind <b>teacher</b>"})
    assert first.status_code == 302 and first.url == f"/courses/{course.pk}/#feedback"
    client.post(f"/courses/{course.pk}/feedback/", {"rating": "5", "comment": "Even better"})
    feedback = Feedback.objects.get()
    assert (feedback.rating, feedback.comment, feedback.student) == (5, "Even better", enrolled)
    page = client.get(course.get_absolute_url()).content.decode()
    assert "Your feedback (you can change it)" in page
    assert 'value="5" id="id_rating_4" checked' in page


def test_user_text_is_escaped_on_the_course_page(login, course, enrolled, teacher):
    FeedbackFactory(course=course, student=enrolled, comment="<script>alert(1)</script>")
    page = login(teacher).get(course.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("rating", ["0", "6", "", "five", "-1", "4.5"])
def test_ratings_outside_1_to_5_are_field_errors(login, course, enrolled, rating):
    response = login(enrolled).post(f"/courses/{course.pk}/feedback/", {"rating": rating, "comment": "x"})
    assert response.status_code == 400
    assert "rating" in response.context["form"].errors
    assert not Feedback.objects.exists()


def test_the_database_refuses_a_rating_out_of_range():
    with pytest.raises(IntegrityError):
        FeedbackFactory(rating=6)


def test_the_database_refuses_a_second_feedback(course, enrolled):
    FeedbackFactory(course=course, student=enrolled)
    with pytest.raises(IntegrityError):
        FeedbackFactory(course=course, student=enrolled)


def test_only_enrolled_students_may_leave_feedback(login, course, teacher, other_teacher):
    blocked = CourseBlockFactory(course=course).student
    left = EnrollmentFactory(course=course, is_active=False).student
    for user in (StudentFactory(), blocked, left, teacher, other_teacher):
        response = login(user).post(f"/courses/{course.pk}/feedback/", {"rating": "1"})
        assert response.status_code == 403, user
    assert not Feedback.objects.exists()
    with pytest.raises(PermissionDenied):
        services.feedback_submit(course=course, student=StudentFactory(), rating=3)


def test_summary_average_count_and_distribution(course):
    for rating in (5, 5, 4, 1):
        FeedbackFactory(course=course, rating=rating)
    summary = selectors.feedback_summary(course=course)
    assert summary["average"] == pytest.approx(3.75)
    assert summary["count"] == 4
    assert [(row["stars"], row["count"], row["percent"]) for row in summary["distribution"]] == [
        (5, 2, 50), (4, 1, 25), (3, 0, 0), (2, 0, 0), (1, 1, 25)
    ]


def test_feedback_is_shown_to_the_course_people_and_not_to_other_teachers(login, client, course, enrolled, teacher, other_teacher):
    FeedbackFactory(course=course, comment="Loved the fractions unit", rating=5)
    for viewer in (login(teacher), login(enrolled)):
        page = viewer.get(course.get_absolute_url()).content.decode()
        assert "Loved the fractions unit" in page and "5.0" in page
    for viewer in (login(other_teacher), login(StudentFactory()), client):
        page = viewer.get(course.get_absolute_url()).content.decode()
        assert "Loved the fractions unit" not in page


def test_teacher_dashboard_shows_average_and_recent_feedback_of_own_courses_only(login, course, teacher, other_teacher):
    FeedbackFactory(course=course, rating=4, comment="Mine to read")
    FeedbackFactory(course=course, rating=2)
    FeedbackFactory(course=CourseFactory(teacher=other_teacher), comment="Not for you")
    page = login(teacher).get("/").content.decode()
    assert "Mine to read" in page and "Not for you" not in page
    assert "Average over all your courses: <strong>3.0</strong>" in page


@pytest.mark.django_db(transaction=True)
def test_parallel_first_submissions_make_one_feedback():
    course = CourseFactory()
    student = EnrollmentFactory(course=course).student
    ratings = iter(range(8))
    _results, errors = run_parallel(
        lambda: services.feedback_submit(course=course, student=student, rating=1 + next(ratings) % 5), 8
    )
    assert errors == []
    assert Feedback.objects.filter(course=course, student=student).count() == 1
