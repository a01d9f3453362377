"""Profile cards: a course member's photo, name, role, bio and status, for the people who share
the course (the profile page promises the bio to course members, and to no one else)."""

from datetime import timedelta

import pytest

from accounts.models import StatusUpdate
from accounts.services import status_update_post
from accounts.tests.factories import StudentFactory, TeacherFactory
from conftest import client_for
from courses.services import enrollment_unenroll
from courses.tests.factories import CourseBlockFactory, CourseFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db

BIO = "Teaches <b>cells</b> & tissues\nOffice: room 12"
BIO_HTML = "Teaches &lt;b&gt;cells&lt;/b&gt; &amp; tissues<br>Office: room 12"


@pytest.fixture
def course():
    teacher = TeacherFactory(username="dr_bio", full_name="Dr Bio", bio=BIO)
    status_update_post(user=teacher, text="Marking essays today")
    return CourseFactory(teacher=teacher)


@pytest.fixture
def enrolled(course):
    student = StudentFactory(username="sam", full_name="Sam Student", bio="Likes frogs\nand maps")
    EnrollmentFactory(course=course, student=student)
    return student


def test_an_enrolled_student_opens_the_teachers_card_on_the_course_page(course, enrolled):
    html = client_for(enrolled).get(course.get_absolute_url()).content.decode()
    assert '<details class="person-card">' in html
    assert BIO_HTML in html  # escaped, line breaks kept
    assert "Marking essays today" in html
    assert "Teacher" in html


@pytest.mark.parametrize("who", ["anonymous", "stranger", "other_teacher", "blocked"])
def test_no_one_outside_the_course_sees_the_teachers_bio(course, who):
    user = {
        "anonymous": lambda: None,
        "stranger": StudentFactory,
        "other_teacher": TeacherFactory,
        "blocked": lambda: CourseBlockFactory(course=course).student,
    }[who]()
    response = client_for(user).get(course.get_absolute_url())
    html = response.content.decode()
    assert "Dr Bio" in html or response.status_code == 403
    assert "cells" not in html and "Marking essays" not in html and "person-card" not in html


def test_the_roster_shows_each_students_card(course, enrolled):
    status_update_post(user=enrolled, text="Revising for Friday")
    html = client_for(course.teacher).get(f"/courses/{course.pk}/roster/").content.decode()
    assert "Likes frogs<br>and maps" in html
    assert "Revising for Friday" in html


def test_the_card_endpoint_serves_members_to_members_only(course, enrolled):
    classmate = StudentFactory(username="kim", bio="Chess club")
    EnrollmentFactory(course=course, student=classmate)
    url = f"/courses/{course.pk}/people/%s/card/"
    teacher_card = client_for(enrolled).get(url % "dr_bio")
    assert teacher_card.status_code == 200
    assert BIO_HTML in teacher_card.content.decode() and "Marking essays today" in teacher_card.content.decode()
    assert "Chess club" in client_for(enrolled).get(url % "kim").content.decode()
    assert "Chess club" in client_for(course.teacher).get(url % "kim").content.decode()
    # Someone not in the course has no card here, even for a member; nor has a non-member.
    outsider = StudentFactory(username="out", bio="Secret")
    assert client_for(enrolled).get(url % "out").status_code == 404
    assert client_for(outsider).get(url % "kim").status_code == 403
    # A student who left the course is no longer a member.
    enrollment_unenroll(student=classmate, course=course)
    assert client_for(enrolled).get(url % "kim").status_code == 404


def test_an_expired_status_is_not_on_the_card(course, enrolled):
    StatusUpdate.objects.filter(user=course.teacher).update(created_at=course.created_at - timedelta(days=2))
    html = client_for(enrolled).get(f"/courses/{course.pk}/people/dr_bio/card/").content.decode()
    assert "Marking essays" not in html and BIO_HTML in html
