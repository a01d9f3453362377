"""Status updates: one per user, 24 hours, seen by the people who share a course, escaped."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts import services
from accounts.models import StatusUpdate
from accounts.tests.factories import StudentFactory, TeacherFactory
from courses import services as course_services
from courses.selectors import statuses_for
from courses.tests.factories import CourseFactory, EnrollmentFactory
from elearning.testing.parallel import run_parallel
from elearning.testing.queries import assert_queries_flat

pytestmark = pytest.mark.django_db


def shown_to(user) -> list[str]:
    return [status.user.username for status in statuses_for(viewer=user)]


def age(status: StatusUpdate, hours: float) -> None:
    """Travel in time: the status was posted ``hours`` ago."""
    StatusUpdate.objects.filter(pk=status.pk).update(created_at=timezone.now() - datetime.timedelta(hours=hours))


@pytest.fixture
def school(db):
    """A teacher with one course and two classmates in it; an outsider in another course."""
    teacher = TeacherFactory(username="tess")
    course = CourseFactory(teacher=teacher)
    amy, bo = StudentFactory(username="amy"), StudentFactory(username="bo")
    EnrollmentFactory(course=course, student=amy)
    EnrollmentFactory(course=course, student=bo)
    outsider = StudentFactory(username="otto")
    EnrollmentFactory(student=outsider)  # a course of someone else
    return type("School", (), {"teacher": teacher, "course": course, "amy": amy, "bo": bo, "outsider": outsider})


def test_posting_again_replaces_the_status(student):
    first = services.status_update_post(user=student, text="Revising algebra")
    second = services.status_update_post(user=student, text="  Done with algebra!  ")
    assert StatusUpdate.objects.filter(user=student).count() == 1
    assert second.pk == first.pk and second.text == "Done with algebra!"
    assert second.created_at >= first.created_at


@pytest.mark.django_db(transaction=True)
def test_parallel_posts_leave_one_status():
    student = StudentFactory()
    texts = iter(range(8))
    _results, errors = run_parallel(
        lambda: services.status_update_post(user=student, text=f"status {next(texts)}"), 8
    )
    assert errors == []
    assert StatusUpdate.objects.filter(user=student).count() == 1


def test_the_database_allows_one_status_per_user(student):
    services.status_update_post(user=student, text="One")
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusUpdate.objects.create(user=student, text="Two")


def test_empty_status_is_refused_by_the_database(student):
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusUpdate.objects.create(user=student, text="")


def test_a_replaced_status_starts_a_new_24_hours(school):
    status = services.status_update_post(user=school.amy, text="Old news")
    age(status, 23)
    services.status_update_post(user=school.amy, text="Fresh news")
    # Two hours later: 25 hours after the first post, 2 after the second.
    StatusUpdate.objects.filter(pk=status.pk).update(created_at=F("created_at") - datetime.timedelta(hours=2))
    assert [s.text for s in statuses_for(viewer=school.bo)] == ["Fresh news"]


def test_a_status_disappears_after_24_hours(school):
    status = services.status_update_post(user=school.amy, text="Studying")
    age(status, 23.9)
    assert shown_to(school.bo) == ["amy"] and shown_to(school.amy) == ["amy"]
    age(status, 24.01)
    assert shown_to(school.bo) == [] and shown_to(school.amy) == []
    assert not StatusUpdate.objects.active().exists()


def test_only_people_sharing_a_course_see_a_status_newest_first(school):
    for user, hours in ((school.teacher, 3), (school.amy, 2), (school.bo, 1), (school.outsider, 0)):
        age(services.status_update_post(user=user, text=f"hello from {user.username}"), hours)
    assert shown_to(school.amy) == ["bo", "amy", "tess"]  # classmate, self, teacher
    assert shown_to(school.teacher) == ["bo", "amy", "tess"]  # their students
    assert shown_to(school.outsider) == ["otto"]  # only their own
    stranger_teacher = TeacherFactory()
    assert shown_to(stranger_teacher) == []


def test_leaving_or_being_blocked_ends_the_sharing(school):
    services.status_update_post(user=school.amy, text="Hi")
    services.status_update_post(user=school.bo, text="Hey")
    course_services.enrollment_unenroll(student=school.bo, course=school.course)
    assert shown_to(school.bo) == ["bo"] and "bo" not in shown_to(school.amy)
    course_services.roster_block_student(course=school.course, student=school.amy, blocked_by=school.teacher)
    assert shown_to(school.teacher) == [] and shown_to(school.amy) == ["amy"]


def test_site_blocked_accounts_are_not_shown_to_others(school):
    services.status_update_post(user=school.amy, text="Hi")
    school.amy.is_blocked = True
    school.amy.save()
    assert shown_to(school.bo) == []


def test_post_and_delete_through_the_home_page(login, school):
    client = login(school.amy)
    response = client.post("/accounts/status/", {"text": "Reading <b>chapter 3</b> & notes"}, follow=True)
    assert response.redirect_chain == [("/", 302)]
    page = response.content.decode()
    assert "Your status is up for the next 24 hours." in page
    assert "Reading &lt;b&gt;chapter 3&lt;/b&gt; &amp; notes" in page and "<b>chapter 3</b>" not in page
    classmate_page = login(school.bo).get("/").content.decode()
    assert "Reading &lt;b&gt;chapter 3&lt;/b&gt;" in classmate_page
    assert 'data-status-of="amy"' in classmate_page
    assert "Reading" not in login(school.outsider).get("/").content.decode()
    teacher_page = login(school.teacher).get("/").content.decode()
    assert "Reading &lt;b&gt;chapter 3" in teacher_page

    # Deleting: nobody can take down someone else's status; the author can.
    login(school.bo).post("/accounts/status/delete/")
    assert StatusUpdate.objects.filter(user=school.amy).exists()
    response = client.post("/accounts/status/delete/", follow=True)
    assert "Your status has been removed." in response.content.decode()
    assert not StatusUpdate.objects.filter(user=school.amy).exists()
    assert "You have no status to remove." in client.post("/accounts/status/delete/", follow=True).content.decode()


@pytest.mark.parametrize(
    ("text", "error"),
    [("", "Write something first."), ("   \n ", "Write something first."), ("x" * 281, "Keep it to 280 characters (it has 281)."),
     ("nul\x00byte", "Null characters are not allowed.")],
)
def test_bad_status_shows_the_error_in_place(login, student, text, error):
    response = login(student).post("/accounts/status/", {"text": text})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not StatusUpdate.objects.exists()


def test_280_characters_fit(login, student):
    login(student).post("/accounts/status/", {"text": "é" * 280})
    assert StatusUpdate.objects.get(user=student).text == "é" * 280


def test_status_urls_take_posts_only(login, student):
    client = login(student)
    assert client.get("/accounts/status/").status_code == 405
    assert client.get("/accounts/status/delete/").status_code == 405


def test_home_page_query_counts_are_flat_with_statuses(login, school):
    def grow(n):
        for student in StudentFactory.create_batch(n):
            EnrollmentFactory(course=school.course, student=student)
            services.status_update_post(user=student, text=f"status of {student.username}")

    student_client, teacher_client = login(school.amy), login(school.teacher)
    student_count = assert_queries_flat(lambda: student_client.get("/"), grow, small=1, large=25)
    teacher_count = assert_queries_flat(lambda: teacher_client.get("/"), grow, small=1, large=25)
    assert statuses_for(viewer=school.amy).count() == 30  # the feed shows the newest 30
    # user (the session comes from the cache), unread badge, statuses; then each dashboard's own
    # reads (assignments: the student's upcoming deadlines, the teacher's recent submissions, the teacher's invitation counts).
    assert (student_count, teacher_count) == (6, 8)


def test_statuses_show_their_age(login, school):
    age(services.status_update_post(user=school.amy, text="Earlier"), 3)
    services.status_update_post(user=school.bo, text="Now")
    page = login(school.bo).get("/").content.decode()
    assert "3\xa0hours ago" in page and "just now" in page
