import pytest

from accounts.tests.factories import StudentFactory, TeacherFactory
from courses import services
from courses.models import Course, CourseBlock, Enrollment
from elearning.testing.queries import assert_queries_flat

from .factories import CourseFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db

GOOD = {"title": "Algebra I", "code": "alg-1", "description": "Numbers & letters", "is_active": "on"}


def test_teacher_creates_a_course_with_an_uppercased_code(login, teacher):
    response = login(teacher).post("/courses/new/", GOOD)
    course = Course.objects.get()
    assert response.url == f"/courses/{course.pk}/"
    assert (course.code, course.teacher) == ("ALG-1", teacher)


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"code": "ALG-1"}, "code"),
        ({"start_date": "2026-09-10", "end_date": "2026-09-01"}, "end_date"),
        ({"code": "../etc"}, "code"),
        ({"title": ""}, "title"),
        ({"title": "t" * 201}, "title"),
        ({"start_date": "not-a-date"}, "start_date"),
    ],
    ids=["duplicate-code", "end-before-start", "bad-code", "no-title", "long-title", "bad-date"],
)
def test_bad_course_input_is_a_field_error_and_saves_nothing(login, teacher, other_teacher, changes, field):
    CourseFactory(teacher=other_teacher, code="alg-1")
    response = login(teacher).post("/courses/new/", {**GOOD, **changes})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Course.objects.count() == 1


def test_forged_edit_and_delete_of_someone_elses_course_are_refused(login, teacher, other_teacher):
    course = CourseFactory(teacher=teacher, title="Mine")
    client = login(other_teacher)
    assert client.post(f"/courses/{course.pk}/edit/", {**GOOD, "title": "Stolen"}).status_code == 403
    assert client.post(f"/courses/{course.pk}/delete/").status_code == 403
    assert client.post(f"/courses/{course.pk}/roster/add/", {"username": "x"}).status_code == 403
    course.refresh_from_db()
    assert course.title == "Mine"


def test_owner_deletes_a_course(login, teacher):
    course = CourseFactory(teacher=teacher)
    EnrollmentFactory(course=course)
    assert login(teacher).post(f"/courses/{course.pk}/delete/").url == "/"
    assert not Course.objects.exists() and not Enrollment.objects.exists()


def test_detail_shows_the_right_button(login, client, student, teacher):
    course = CourseFactory(teacher=teacher)
    assert "Log in to enroll" in client.get(course.get_absolute_url()).content.decode()
    page = login(student).get(course.get_absolute_url()).content.decode()
    assert "Enroll" in page and "Leave course" not in page
    services.enrollment_enroll(student=student, course=course)
    assert "Leave course" in login(student).get(course.get_absolute_url()).content.decode()
    assert "Roster (0 students)" not in login(teacher).get(course.get_absolute_url()).content.decode()
    assert "Roster (1 student)" in login(teacher).get(course.get_absolute_url()).content.decode()


def test_blocked_student_is_refused_with_a_clear_message(login, student):
    course = CourseFactory()
    services.roster_block_student(course=course, student=student, blocked_by=course.teacher)
    client = login(student)
    page = client.get(course.get_absolute_url())
    assert page.status_code == 403
    assert "blocked you from it" in page.content.decode()
    response = client.post(f"/courses/{course.pk}/enroll/", follow=True)
    assert "blocked you from it" in response.content.decode()
    assert not Enrollment.objects.exists()


def test_roster_add_remove_block_unblock_through_the_pages(login, teacher):
    course = CourseFactory(teacher=teacher)
    pupil = StudentFactory(username="pupil", email="pupil@school.test")
    client = login(teacher)
    client.post(f"/courses/{course.pk}/roster/add/", {"username": "PUPIL@school.test"})
    assert Enrollment.objects.filter(course=course, student=pupil, is_active=True).exists()
    unknown = client.post(f"/courses/{course.pk}/roster/add/", {"username": "ghost"})
    assert unknown.status_code == 400 and "No student has that" in unknown.content.decode()
    not_student = client.post(f"/courses/{course.pk}/roster/add/", {"username": TeacherFactory().username})
    assert not_student.status_code == 400
    client.post(f"/courses/{course.pk}/roster/{pupil.pk}/block/")
    assert CourseBlock.objects.filter(course=course, student=pupil).exists()
    assert not Enrollment.objects.filter(course=course, student=pupil, is_active=True).exists()
    client.post(f"/courses/{course.pk}/roster/{pupil.pk}/unblock/")
    assert not CourseBlock.objects.exists()
    client.post(f"/courses/{course.pk}/roster/add/", {"username": "pupil"})
    client.post(f"/courses/{course.pk}/roster/{pupil.pk}/remove/")
    assert not Enrollment.objects.filter(is_active=True).exists()


def test_catalogue_search_and_pagination(client, teacher):
    CourseFactory(title="Photosynthesis", code="BIO-7", teacher=teacher)
    CourseFactory.create_batch(13, teacher=teacher)
    CourseFactory(title="Hidden", is_active=False)
    assert [c.code for c in client.get("/courses/", {"q": "photo"}).context["courses"]] == ["BIO-7"]
    assert len(client.get("/courses/", {"q": teacher.username}).context["courses"]) == 12
    first = client.get("/courses/")
    assert first.context["paginator"].count == 14
    assert client.get("/courses/", {"page": 2}).status_code == 200
    assert client.get("/courses/", {"page": 99}).context["page_obj"].number == 2  # the nearest page (test_catalogue)
    assert "Hidden" not in first.content.decode()


def test_catalogue_query_count_is_flat(client):
    assert_queries_flat(lambda: client.get("/courses/"), lambda n: CourseFactory.create_batch(n))


def test_course_detail_query_count_is_flat(login, teacher):
    course = CourseFactory(teacher=teacher)
    client = login(teacher)
    assert_queries_flat(
        lambda: client.get(course.get_absolute_url()),
        lambda n: EnrollmentFactory.create_batch(n, course=course),
    )


def test_roster_query_count_is_flat(login, teacher):
    course = CourseFactory(teacher=teacher)
    client = login(teacher)

    def grow(n):
        EnrollmentFactory.create_batch(n, course=course)
        for student in StudentFactory.create_batch(n):
            services.roster_block_student(course=course, student=student, blocked_by=teacher)

    assert_queries_flat(lambda: client.get(f"/courses/{course.pk}/roster/"), grow)


def test_dashboards_query_counts_are_flat(login, teacher, student):
    teacher_client, student_client = login(teacher), login(student)
    assert_queries_flat(lambda: teacher_client.get("/"), lambda n: CourseFactory.create_batch(n, teacher=teacher))

    def grow(n):
        for course in CourseFactory.create_batch(n):
            EnrollmentFactory(course=course, student=student)

    assert_queries_flat(lambda: student_client.get("/"), grow)
