"""Every course event notifies the right people once, in the same transaction as the change."""

import secrets
import urllib.error
import urllib.parse
import urllib.request

import pytest

from courses import notices
from django.conf import settings

from accounts.tests.factories import StudentFactory
from conftest import client_for
from courses import services
from courses.models import Enrollment
from elearning.testing.parallel import run_parallel
from notifications.models import Notification

from .factories import CourseFactory, EnrollmentFactory, FeedbackFactory
from .files import pdf_bytes, upload

pytestmark = pytest.mark.django_db


def notified(type_):
    return sorted(Notification.objects.filter(type=type_).values_list("recipient__username", flat=True))


@pytest.fixture
def course(teacher):
    return CourseFactory(teacher=teacher, title="Algebra")


def test_enroll_notifies_the_teacher_once_even_on_a_double_click(course, student, teacher):
    assert services.enrollment_enroll(student=student, course=course) is True
    assert services.enrollment_enroll(student=student, course=course) is False
    assert notified(notices.ENROLLED) == [teacher.username]
    note = Notification.objects.get(type=notices.ENROLLED)
    assert student.display_name in note.title and note.link == f"/courses/{course.pk}/roster/"


def test_unenroll_notifies_the_teacher_and_reenroll_reactivates_without_a_second_row(course, student, teacher):
    services.enrollment_enroll(student=student, course=course)
    assert services.enrollment_unenroll(student=student, course=course) is True
    assert services.enrollment_unenroll(student=student, course=course) is False
    assert notified(notices.UNENROLLED) == [teacher.username]
    services.enrollment_enroll(student=student, course=course)
    assert Enrollment.objects.filter(student=student, course=course).count() == 1


def test_teacher_actions_notify_the_student(course, student, teacher):
    assert services.roster_add_student(course=course, student=student) is True
    services.roster_add_student(course=course, student=student)
    assert notified(notices.ADDED) == [student.username]
    services.roster_block_student(course=course, student=student, blocked_by=teacher)
    services.roster_block_student(course=course, student=student, blocked_by=teacher)
    assert notified(notices.BLOCKED) == [student.username]
    # A teacher's removal or block is not reported back to the teacher as "left".
    assert notified(notices.UNENROLLED) == []


def test_material_upload_notifies_each_enrolled_student_once(course, teacher):
    enrolled = [e.student for e in EnrollmentFactory.create_batch(3, course=course)]
    EnrollmentFactory(course=course, is_active=False)
    services.roster_block_student(course=course, student=EnrollmentFactory(course=course).student, blocked_by=teacher)
    from courses.uploads import inspect_upload

    file = upload("notes.pdf", pdf_bytes())
    services.material_upload(
        course=course, uploaded_by=teacher, title="Notes", upload=file,
        inspected=inspect_upload(file, max_bytes=10**6),
    )
    assert notified(notices.MATERIAL) == sorted(s.username for s in enrolled)


def test_feedback_notifies_the_teacher_on_the_first_rating_only(course, teacher):
    student = EnrollmentFactory(course=course).student
    services.feedback_submit(course=course, student=student, rating=5, comment="Great")
    services.feedback_submit(course=course, student=student, rating=4, comment="Still great")
    assert notified(notices.FEEDBACK) == [teacher.username]
    assert "4" not in Notification.objects.get(type=notices.FEEDBACK).message


def test_course_deletion_tells_the_enrolled_students_and_keeps_their_notifications(course):
    enrolled = EnrollmentFactory(course=course).student
    EnrollmentFactory(course=course, is_active=False)
    FeedbackFactory(course=course, student=enrolled)
    services.course_delete(course=course)
    note = Notification.objects.get(type=notices.COURSE_DELETED)
    assert note.recipient == enrolled and "Algebra" in note.title and note.link == ""


@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_enroll_requests_make_one_enrollment_and_one_notification(daphne_server):
    """Real HTTP through Daphne: a student hammering "Enroll" from 50 connections at once."""
    course = CourseFactory()
    student = StudentFactory()
    session = client_for(student).cookies[settings.SESSION_COOKIE_NAME].value
    csrf = secrets.token_hex(16)  # a 32-character secret, as Django's cookie holds
    url = f"{daphne_server.url}/courses/{course.pk}/enroll/"
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf}).encode()

    def post():
        request = urllib.request.Request(url, data=body, method="POST")
        request.add_header("Cookie", f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}")
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with urllib.request.build_opener(NoRedirect).open(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    statuses, errors = run_parallel(post, 50)
    assert errors == []
    assert statuses == [302] * 50, statuses
    assert Enrollment.objects.filter(student=student, course=course, is_active=True).count() == 1
    assert Notification.objects.filter(type=notices.ENROLLED, recipient=course.teacher).count() == 1


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
