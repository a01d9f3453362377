"""The people search (/accounts/search/): who can use it, what it finds, and adding from it."""

import pytest

from accounts.tests.factories import StudentFactory, TeacherFactory
from courses import services
from courses.models import Enrollment
from courses.tests.factories import CourseFactory, EnrollmentFactory
from elearning.testing.queries import assert_queries_flat
from notifications.models import Notification

SEARCH = "/accounts/search/"
ADD = "/accounts/search/add/"

pytestmark = pytest.mark.django_db


def found(client, **params) -> list[str]:
    response = client.get(SEARCH, params)
    assert response.status_code == 200
    return [row.person.username for row in response.context["rows"]]


@pytest.fixture
def people(db):
    return {
        "ana": StudentFactory(username="ana_k", full_name="Ana Kowalski", email="Ana.K@school.test"),
        "ben": StudentFactory(username="benny", full_name="Ben Okafor", email="ben@home.test"),
        "kim": TeacherFactory(username="kimteach", full_name="Kim Park", email="kim@school.test"),
    }


def test_visitors_go_to_login_and_students_are_refused(client, login, student):
    response = client.get(SEARCH)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    assert login(student).get(SEARCH).status_code == 403
    assert login(student).post(ADD, {"student": student.pk, "course": 1}).status_code == 403


def test_teachers_and_admins_may_search(login, teacher, admin_user):
    assert login(teacher).get(SEARCH).status_code == 200
    assert login(admin_user).get(SEARCH).status_code == 200


def test_name_and_username_match_by_case_insensitive_substring(login, teacher, people):
    client = login(teacher)
    assert found(client, q="kowal") == ["ana_k"]
    assert found(client, q="OKAF") == ["benny"]
    assert found(client, q="enn") == ["benny"]  # username
    assert found(client, q="@benny") == ["benny"]  # as results show it
    assert found(client, q="park") == ["kimteach"]


def test_email_matches_only_whole_address(login, teacher, people):
    client = login(teacher)
    assert found(client, q="ana.k@SCHOOL.test") == ["ana_k"]  # whole address, any case
    for partial in ("ana.k@school", "@school.test", "school.test", "ana.k@", "ben@home", "home.test"):
        assert found(client, q=partial) == [], partial


def test_addresses_never_appear_in_results(login, teacher, people):
    client = login(teacher)
    page = client.get(SEARCH).content.decode()
    assert "ana.k@school.test" not in page.lower() and "ben@home.test" not in page
    confirmed = client.get(SEARCH, {"q": "ben@home.test"}).content.decode()
    assert "e-mail address matches" in confirmed
    assert confirmed.count("ben@home.test") == 1  # only the search box echoes what was typed


def test_role_filter(login, teacher, people):
    client = login(teacher)
    assert "kimteach" not in found(client, role="student")
    assert {"ana_k", "benny"} <= set(found(client, role="student"))
    assert set(found(client, role="teacher")) == {"kimteach", "tom"}
    response = client.get(SEARCH, {"role": "wizard"})
    assert response.status_code == 200 and response.context["rows"] == []
    assert "Select a valid choice" in response.content.decode()


def test_course_filter_hides_people_blocked_from_it(login, teacher, people):
    course = CourseFactory(teacher=teacher)
    services.roster_block_student(course=course, student=people["ana"], blocked_by=teacher)
    client = login(teacher)
    assert "ana_k" in found(client, role="student")
    assert found(client, role="student", course=course.pk) == ["benny"]
    # Another teacher's course is not a choice.
    foreign = CourseFactory()
    response = client.get(SEARCH, {"course": foreign.pk})
    assert response.context["rows"] == [] and "Select a valid choice" in response.content.decode()


def test_site_blocked_accounts_are_hidden_from_teachers_and_marked_for_admins(login, teacher, admin_user, people):
    people["ben"].is_blocked = True
    people["ben"].save()
    assert found(login(teacher), q="ben") == []
    response = login(admin_user).get(SEARCH, {"q": "ben"})
    assert [r.person.username for r in response.context["rows"]] == ["benny"]
    assert "Account blocked" in response.content.decode()


def test_results_are_paginated_and_keep_the_filters(login, teacher):
    StudentFactory.create_batch(25, full_name="Pupil")
    client = login(teacher)
    first = client.get(SEARCH, {"q": "pupil", "role": "student"})
    assert len(first.context["rows"]) == 20 and first.context["paginator"].count == 25
    assert "?q=pupil&amp;role=student&amp;page=2" in first.content.decode()
    second = client.get(SEARCH, {"q": "pupil", "role": "student", "page": 2})
    assert len(second.context["rows"]) == 5
    stale = client.get(SEARCH, {"q": "pupil", "role": "student", "page": 99})  # the nearest page, as every list
    assert stale.status_code == 200 and stale.context["page_obj"].number == 2
    assert client.get(SEARCH, {"q": "x" * 101}).status_code == 200  # a form error, not a 500


def test_results_show_ties_with_the_teachers_courses(login, teacher, people):
    algebra = CourseFactory(teacher=teacher, title="Algebra")
    biology = CourseFactory(teacher=teacher, title="Biology")
    EnrollmentFactory(course=algebra, student=people["ana"])
    services.roster_block_student(course=biology, student=people["ben"], blocked_by=teacher)
    CourseFactory(title="Not mine")
    response = login(teacher).get(SEARCH)
    rows = {row.person.username: row for row in response.context["rows"]}
    assert rows["ana_k"].enrolled_in == [algebra] and rows["ana_k"].addable == [biology]
    assert rows["benny"].blocked_from == [biology] and rows["benny"].addable == [algebra]
    assert rows["kimteach"].addable == []  # teachers are found, not added
    page = response.content.decode()
    assert "In Algebra" in page and "Blocked from Biology" in page and "Not mine" not in page


def test_adding_a_student_enrolls_and_notifies_them(login, teacher, people):
    course = CourseFactory(teacher=teacher, title="Algebra")
    client = login(teacher)
    back = f"{SEARCH}?q=ana"
    response = client.post(ADD, {"student": people["ana"].pk, "course": course.pk, "next": back}, follow=True)
    assert response.redirect_chain[-1][0] == back
    assert "Ana Kowalski added to Algebra" in response.content.decode()
    assert Enrollment.objects.filter(course=course, student=people["ana"], is_active=True).exists()
    assert Notification.objects.filter(recipient=people["ana"], title__contains="Algebra").count() == 1
    # Again: a clear message, no second notification.
    again = client.post(ADD, {"student": people["ana"].pk, "course": course.pk}, follow=True)
    assert "Ana Kowalski is already in Algebra" in again.content.decode()
    assert Notification.objects.filter(recipient=people["ana"]).count() == 1


def test_adding_a_blocked_student_or_a_teacher_is_refused_with_a_message(login, teacher, people):
    course = CourseFactory(teacher=teacher)
    services.roster_block_student(course=course, student=people["ben"], blocked_by=teacher)
    client = login(teacher)
    blocked = client.post(ADD, {"student": people["ben"].pk, "course": course.pk}, follow=True)
    assert "blocked from this course; unblock them first" in blocked.content.decode()
    other = client.post(ADD, {"student": people["kim"].pk, "course": course.pk}, follow=True)
    assert "Only students can be added" in other.content.decode()
    assert not Enrollment.objects.filter(course=course).exists()


def test_adding_to_another_teachers_course_is_refused(login, teacher, other_teacher, admin_user, people):
    theirs = CourseFactory(teacher=other_teacher)
    for user in (teacher, admin_user):
        response = login(user).post(ADD, {"student": people["ana"].pk, "course": theirs.pk})
        assert response.status_code == 403
    assert not Enrollment.objects.exists()
    assert not Notification.objects.filter(recipient=people["ana"]).exists()


@pytest.mark.parametrize(
    "data",
    [{}, {"student": "x", "course": "y"}, {"student": "1", "course": str(10**30)}, {"student": "-1", "course": "0"}],
)
def test_malformed_add_requests_get_a_message_not_a_500(login, teacher, data):
    response = login(teacher).post(ADD, data, follow=True)
    assert response.status_code == 200
    assert "Choose one of your courses" in response.content.decode()


def test_unknown_student_or_course_is_404(login, teacher, people):
    course = CourseFactory(teacher=teacher)
    client = login(teacher)
    assert client.post(ADD, {"student": 999999, "course": course.pk}).status_code == 404
    assert client.post(ADD, {"student": people["ana"].pk, "course": 999999}).status_code == 404


def test_next_never_leaves_the_site(login, teacher, people):
    course = CourseFactory(teacher=teacher)
    response = login(teacher).post(
        ADD, {"student": people["ana"].pk, "course": course.pk, "next": "https://evil.test/"}
    )
    assert response["Location"] == SEARCH


def test_search_page_query_count_is_flat(login, teacher):
    for course in CourseFactory.create_batch(3, teacher=teacher):
        EnrollmentFactory(course=course)
    client = login(teacher)

    def grow(n):
        courses = list(teacher.courses_taught.all())
        for i, student in enumerate(StudentFactory.create_batch(n, full_name="Flat Student")):
            EnrollmentFactory(course=courses[i % 3], student=student)
            if i % 4 == 0:
                services.roster_block_student(course=courses[(i + 1) % 3], student=student, blocked_by=teacher)

    count = assert_queries_flat(lambda: client.get(SEARCH, {"q": "flat"}), grow, small=1, large=40)
    # user (the session comes from the cache), unread badge, the teacher's courses, count, the
    # page, its enrollments and blocks with the teacher's courses.
    assert count == 7


def test_the_roster_links_to_the_search_for_its_course(login, teacher):
    course = CourseFactory(teacher=teacher)
    page = login(teacher).get(f"/courses/{course.pk}/roster/").content.decode()
    assert f'href="/accounts/search/?role=student&amp;course={course.pk}"' in page


@pytest.mark.parametrize(
    "params",
    [{"q": "a\x00b"}, {"role": "\x00"}, {"course": "\x00"}, {"course": "1e9"}, {"course": str(10**30)},
     {"q": "%_%"}, {"q": "' OR 1=1 --"}, {"page": "\x00"}],
)
def test_odd_search_input_never_breaks_the_page(login, teacher, params):
    response = login(teacher).get(SEARCH, params)
    assert response.status_code in (200, 404)
