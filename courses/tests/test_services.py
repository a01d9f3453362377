import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.tests.factories import StudentFactory, TeacherFactory
from courses import permissions, services
from elearning.testing.parallel import run_parallel
from courses.models import Course, CourseBlock, Enrollment

from courses.signals import access_revoked

from .factories import CourseFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db


def test_course_codes_are_unique_whatever_the_case(teacher, other_teacher):
    services.course_create(teacher=teacher, title="Algebra", code="MATH-1")
    with pytest.raises(ValidationError) as error:
        services.course_create(teacher=other_teacher, title="Other", code="math-1")
    assert "code" in error.value.message_dict
    assert Course.objects.count() == 1


def test_end_date_before_start_is_refused_by_the_database(teacher):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Course.objects.create(
            teacher=teacher, title="T", code="DATES", start_date=datetime.date(2026, 9, 1),
            end_date=datetime.date(2026, 8, 1),
        )


def test_enroll_unenroll_reenroll_keeps_one_row(student):
    course = CourseFactory()
    assert services.enrollment_enroll(student=student, course=course) is True
    assert services.enrollment_enroll(student=student, course=course) is False  # double click
    assert services.enrollment_unenroll(student=student, course=course) is True
    assert services.enrollment_unenroll(student=student, course=course) is False
    assert not permissions.is_enrolled(student, course)
    assert services.enrollment_enroll(student=student, course=course) is True  # reactivated
    assert Enrollment.objects.filter(student=student, course=course).count() == 1
    assert permissions.is_enrolled(student, course)


@pytest.mark.parametrize(
    "setup,message",
    [
        (lambda s, c: services.roster_block_student(course=c, student=s, blocked_by=c.teacher), "blocked"),
        (lambda s, c: Course.objects.filter(pk=c.pk).update(is_active=False), "course is closed"),
    ],
    ids=["blocked", "inactive"],
)
def test_enroll_refusals_say_why(student, setup, message):
    course = CourseFactory()
    setup(student, course)
    course.refresh_from_db()
    with pytest.raises(services.EnrollmentError) as error:
        services.enrollment_enroll(student=student, course=course)
    assert message in str(error.value)
    assert not Enrollment.objects.filter(is_active=True).exists()


def test_teachers_cannot_enroll(teacher):
    with pytest.raises(services.EnrollmentError):
        services.enrollment_enroll(student=teacher, course=CourseFactory())


def test_block_removes_from_course_and_unblock_allows_rejoining(student):
    course = CourseFactory()
    services.enrollment_enroll(student=student, course=course)
    assert services.roster_block_student(course=course, student=student, blocked_by=course.teacher)
    assert not services.roster_block_student(course=course, student=student, blocked_by=course.teacher)
    assert CourseBlock.objects.count() == 1
    assert not permissions.is_enrolled(student, course)
    assert not permissions.can_view_course(student, course)
    assert not permissions.can_access_content(student, course)
    with pytest.raises(services.EnrollmentError):
        services.roster_add_student(course=course, student=student)
    assert services.roster_unblock_student(course=course, student=student)
    assert not permissions.is_enrolled(student, course)  # unblocking does not re-enroll
    assert permissions.can_enroll(student, course)


def test_roster_add_and_remove(student):
    course = CourseFactory()
    assert services.roster_add_student(course=course, student=student)
    assert not services.roster_add_student(course=course, student=student)
    assert permissions.can_access_content(student, course)
    assert services.roster_remove_student(course=course, student=student)
    assert not permissions.can_access_content(student, course)
    with pytest.raises(services.EnrollmentError):
        services.roster_add_student(course=course, student=TeacherFactory())


def test_only_the_owner_edits(teacher, other_teacher, admin_user, student):
    course = CourseFactory(teacher=teacher)
    assert permissions.can_edit_course(teacher, course)
    for user in (other_teacher, admin_user, student):
        assert not permissions.can_edit_course(user, course)


@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_enrollments_make_one_row():
    student = StudentFactory()
    course = CourseFactory()
    results, errors = run_parallel(lambda: services.enrollment_enroll(student=student, course=course), 50)
    assert errors == []
    assert results.count(True) == 1  # exactly one caller saw a new enrollment (one notification)
    assert Enrollment.objects.filter(student=student, course=course).count() == 1


@pytest.mark.django_db
def test_blocking_an_enrolled_student_revokes_access_once():
    """Block = leave + block; the apps above hear of it once (the classroom kicks once)."""
    course = CourseFactory()
    student = EnrollmentFactory(course=course).student
    heard = []
    access_revoked.connect(lambda sender, course, user_id, **kw: heard.append(user_id), dispatch_uid="t", weak=False)
    try:
        services.roster_block_student(course=course, student=student, blocked_by=course.teacher)
        services.roster_block_student(course=course, student=student, blocked_by=course.teacher)
    finally:
        access_revoked.disconnect(dispatch_uid="t")
    assert heard == [student.pk]
