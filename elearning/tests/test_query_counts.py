"""Exact query counts of the main pages (Zulip's style): one extra query anywhere fails here.

The flat checks beside each app's tests catch N+1; these catch the one fixed query too many.
When a count changes on purpose, change the number and say in the commit why.
"""

from __future__ import annotations

import pytest

from accounts.tests.factories import StudentFactory
from conftest import client_for
from courses.tests.factories import CourseFactory, EnrollmentFactory, FeedbackFactory, MaterialFactory
from elearning.testing.queries import count_queries
from notifications.tests.factories import NotificationFactory


@pytest.fixture
def world(db, teacher, student, admin_user):
    course = CourseFactory(teacher=teacher, title="Biology")
    EnrollmentFactory(course=course, student=student)
    for other in StudentFactory.create_batch(3):
        EnrollmentFactory(course=course, student=other)
        FeedbackFactory(course=course, student=other)
    FeedbackFactory(course=course, student=student)
    MaterialFactory.create_batch(2, course=course)
    CourseFactory.create_batch(3)
    NotificationFactory.create_batch(3, recipient=teacher)
    NotificationFactory.create_batch(3, recipient=student)
    return course


# Every signed-in page starts with the user (1: the session comes from the cache, written
# through to the database) and ends with the badge's unread COUNT (1).
PAGES = [
    # name, who, url, queries
    ("landing", None, "/", 0),
    ("catalogue, visitor", None, "/courses/", 2),  # count + page of courses (with student counts)
    ("catalogue, student", "student", "/courses/", 4),
    # course (with the viewer's enrollment and block) + feedback summary + feedback page
    # + own feedback + materials
    ("course page, student", "student", "course", 7),
    # course + student count + feedback summary + page + materials
    ("course page, teacher", "teacher", "course", 7),
    # Every dashboard also lists the status updates of people who share a course (1).
    ("student dashboard", "student", "/", 6),  # enrolled courses + courses to join + deadlines
    ("teacher dashboard", "teacher", "/", 8),  # courses + recent feedback + average + submissions + invitation counts
    ("admin dashboard", "admin_user", "/", 5),  # head counts + newest accounts
    ("roster", "teacher", "roster", 5),  # course + enrollments + blocks
    ("notification centre", "teacher", "/notifications/", 4),  # count + page
    # the teacher's courses + count + page + the page's enrollments and blocks in those courses
    ("people search", "teacher", "/accounts/search/", 7),
]


@pytest.mark.parametrize("name,who,url,expected", PAGES, ids=[p[0] for p in PAGES])
def test_main_page_query_count(request, world, name, who, url, expected):
    user = request.getfixturevalue(who) if who else None
    url = {"course": f"/courses/{world.pk}/", "roster": f"/courses/{world.pk}/roster/"}.get(url, url)
    client = client_for(user)
    assert client.get(url).status_code == 200  # warm: first-visit work (e.g. last_login) aside
    count, queries = count_queries(lambda: client.get(url))
    assert count == expected, f"{name}: {count} queries, pinned at {expected}:\n" + "\n".join(queries)
