"""A closed (inactive) course: read-only to its teacher and enrolled students, hidden from others,
no joining, feedback, submissions or classroom for students (courses.permissions.is_closed)."""

import pytest

from accounts.tests.factories import StudentFactory
from courses import services
from courses.models import Enrollment, Feedback
from invitations.models import JoinLink

from .factories import CourseFactory, EnrollmentFactory, FeedbackFactory, MaterialFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(teacher, student):
    course = CourseFactory(teacher=teacher, title="Old botany")
    EnrollmentFactory(course=course, student=student)
    MaterialFactory(course=course, title="Leaf atlas")
    FeedbackFactory(course=course, student=student, rating=5, comment="Loved the leaves")
    services.course_update(course=course, is_active=False)
    return course


def test_the_enrolled_student_reads_the_closed_course_from_the_dashboard_link(login, student, closed):
    client = login(student)
    assert f'href="/courses/{closed.pk}/"' in client.get("/").content.decode()
    page = client.get(f"/courses/{closed.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "This course is closed." in html and 'id="course-closed"' in html
    assert "Leaf atlas" in html and "Loved the leaves" in html  # materials and feedback readable
    assert f"/courses/{closed.pk}/classroom/" not in html  # no way into the classroom
    assert 'name="rating"' not in html  # no feedback form
    material = closed.materials.get()
    assert client.get(material.get_absolute_url()).status_code == 200


def test_the_classroom_is_closed_to_students_and_says_why(login, student, closed):
    response = login(student).get(f"/courses/{closed.pk}/classroom/")
    assert response.status_code == 403
    assert "This course is closed" in response.content.decode()
    fallback = login(student).post(f"/courses/{closed.pk}/classroom/messages/", {"message": "hi"})
    assert fallback.status_code == 403


def test_the_teacher_still_opens_the_classroom(login, teacher, closed):
    assert login(teacher).get(f"/courses/{closed.pk}/classroom/").status_code == 200


def test_no_new_feedback_and_the_page_says_why(login, student, closed):
    response = login(student).post(f"/courses/{closed.pk}/feedback/", {"rating": "1", "comment": "changed"})
    assert response.status_code == 403 and "This course is closed" in response.content.decode()
    assert Feedback.objects.get().rating == 5


def test_nobody_joins_or_is_added(login, teacher, closed):
    newcomer = StudentFactory()
    response = login(newcomer).post(f"/courses/{closed.pk}/enroll/", follow=True)
    assert "This course is closed" in response.content.decode()
    assert not Enrollment.objects.filter(student=newcomer).exists()
    login(teacher).post(f"/courses/{closed.pk}/roster/add/", {"username": newcomer.username})
    assert not Enrollment.objects.filter(student=newcomer).exists()


def test_others_get_404_and_the_catalogue_hides_it(client, login, other_teacher, closed):
    assert client.get(f"/courses/{closed.pk}/").status_code == 404
    assert login(StudentFactory()).get(f"/courses/{closed.pk}/").status_code == 404
    assert login(other_teacher).get(f"/courses/{closed.pk}/").status_code == 404
    assert "Old botany" not in client.get("/courses/").content.decode()


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "student"])
def test_a_join_link_to_a_closed_course_is_refused_with_a_message(client, login, closed, signed_in):
    JoinLink.objects.create(course=closed, code="SHUT22", created_by=closed.teacher)
    newcomer = StudentFactory()
    browser = login(newcomer) if signed_in else client
    response = browser.get("/join/SHUT22/")
    assert response.status_code == 403 and "This course is closed" in response.content.decode()
    assert "invitations.join_code" not in browser.session  # a visitor is not sent on to sign up for it
    assert browser.post("/join/SHUT22/").status_code == 403
    assert not Enrollment.objects.filter(student=newcomer).exists()


def test_an_invitation_to_a_closed_course_says_so(client, closed):
    from invitations.tests.factories import InvitationFactory, accept_url

    invitation = InvitationFactory(course=closed, invited_by=closed.teacher)
    html = client.get(accept_url(invitation)).content.decode()
    assert "has been closed since you were invited" in html
    answer = client.post(
        accept_url(invitation), {"username": "newbie", "password1": "a-Long-pass-42", "password2": "a-Long-pass-42"},
        follow=True,
    )
    assert "This course is closed" in answer.content.decode()  # the account is made, the course refused
    assert not Enrollment.objects.filter(course=closed, student__username="newbie").exists()


def test_bulk_invitations_refuse_a_closed_course(teacher, closed):
    from invitations import bulk

    [outcome] = bulk.classify(user=teacher, rows=[
        {"line": 1, "full_name": "New Pupil", "email": "new@pupils.test", "user_type": "student", "course_code": closed.code}
    ])
    assert outcome.action == bulk.ERROR and "is closed" in outcome.reason


def test_a_closed_courses_quiz_is_readable_but_takes_no_submission(login, student, closed):
    from datetime import timedelta

    from django.utils import timezone

    from assignments.models import Submission
    from assignments.selectors import upcoming_deadlines
    from assignments.tests.factories import quiz_with

    quiz = quiz_with(course=closed, published=True, deadline=timezone.now() + timedelta(days=3))
    client = login(student)
    page = client.get(f"/courses/{closed.pk}/assignments/{quiz.pk}/")
    assert page.status_code == 200 and "This course is closed" in page.content.decode()
    answers = {f"q{question.pk}": "0" for question in quiz.questions.all()}
    assert client.post(f"/courses/{closed.pk}/assignments/{quiz.pk}/submit/", answers).status_code == 400
    assert not Submission.objects.exists()
    assert list(upcoming_deadlines(student=student)) == []  # no deadline to meet on the dashboard
