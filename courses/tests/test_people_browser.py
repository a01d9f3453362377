"""People search and status updates end to end in Chromium: a teacher finds a student and adds
them to a course; the student posts a status and a classmate sees it on their home page."""

import pytest
from playwright.sync_api import expect

from accounts.models import StatusUpdate
from accounts.tests.factories import StudentFactory
from accounts.tests.test_browser import look
from courses.models import Enrollment
from courses.tests.factories import CourseFactory, EnrollmentFactory
from elearning.testing.browser import MOBILE

pytestmark = pytest.mark.browser


def test_teacher_finds_and_adds_a_student_who_then_posts_a_status_a_classmate_sees(page_as, teacher):
    course = CourseFactory(teacher=teacher, title="Algebra 7B", code="ALG-7B")
    CourseFactory(teacher=teacher, title="Geometry 8A", code="GEO-8A")
    amy = StudentFactory(username="amy", full_name="Amy Adams", email="amy.adams@school.test")
    bo = StudentFactory(username="bo", full_name="Bo Brown")
    EnrollmentFactory(course=course, student=bo)
    StudentFactory.create_batch(3)

    # The teacher searches from the navbar; a partial address finds nobody, the name finds Amy.
    page = page_as(teacher)
    page.goto("/")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="People").click()
    page.wait_for_url("**/accounts/search/")
    look(page, "people-search")
    search_box = page.get_by_label("Name, username or e-mail")
    search_box.fill("amy.adams@school")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("0 people found")).to_be_visible()
    search_box = page.get_by_label("Name, username or e-mail")
    search_box.fill("ADAMS")
    page.get_by_label("Role").select_option("student")
    page.get_by_role("button", name="Search").click()
    row = page.locator('[data-person="amy"]')
    expect(row).to_be_visible()
    expect(page.locator("[data-person]")).to_have_count(1)
    assert "amy.adams@school.test" not in page.content()
    look(page, "people-search-results")

    row.get_by_label("Course to add Amy Adams to").select_option(label="Algebra 7B")
    row.get_by_role("button", name="Add Amy Adams to the chosen course").click()
    expect(page.get_by_text("Amy Adams added to Algebra 7B; they have been notified.")).to_be_visible()
    assert "q=ADAMS" in page.url  # back to the same search
    expect(page.locator('[data-person="amy"]').get_by_text("In Algebra 7B")).to_be_visible()
    assert Enrollment.objects.filter(course=course, student=amy, is_active=True).exists()
    look(page, "people-search-added")

    phone = page_as(teacher, viewport=MOBILE)
    phone.goto("/accounts/search/?q=a&role=student")
    look(phone, "people-search-375")

    # Amy sees she was added, and posts a status from her home page.
    amy_page = page_as(amy)
    amy_page.goto("/")
    expect(amy_page.locator("#notification-badge [data-notification-count]").first).to_have_text("1")
    # An empty status comes back with the error in place; she writes it there.
    amy_page.get_by_role("button", name="Post status").click()
    expect(amy_page.get_by_text("Write something first.")).to_be_visible()
    look(amy_page, "status-error")
    amy_page.get_by_label("Your status").fill("Working on fractions <b>tonight</b> & tomorrow")
    amy_page.get_by_role("button", name="Post status").click()
    expect(amy_page.get_by_text("Your status is up for the next 24 hours.")).to_be_visible()
    mine = amy_page.locator('[data-status-of="amy"]')
    expect(mine).to_contain_text("Working on fractions <b>tonight</b> & tomorrow")  # shown as typed
    look(amy_page, "status-posted")
    assert StatusUpdate.objects.get(user=amy).text.startswith("Working on fractions")

    # Bo, her classmate, sees it on his home page, at desktop and phone width.
    bo_page = page_as(bo)
    bo_page.goto("/")
    status = bo_page.locator('[data-status-of="amy"]')
    expect(status).to_contain_text("Amy Adams")
    expect(status).to_contain_text("Working on fractions <b>tonight</b> & tomorrow")
    expect(status.get_by_role("button", name="Delete your status")).to_have_count(0)  # not his to delete
    look(bo_page, "status-seen-by-classmate")
    bo_phone = page_as(bo, viewport=MOBILE)
    bo_phone.goto("/")
    expect(bo_phone.locator('[data-status-of="amy"]')).to_be_visible()
    look(bo_phone, "status-seen-by-classmate-375")

    # Amy takes it down; it is gone for Bo.
    amy_page.get_by_role("button", name="Delete your status").click()
    expect(amy_page.get_by_text("Your status has been removed.")).to_be_visible()
    bo_page.reload()
    expect(bo_page.locator('[data-status-of="amy"]')).to_have_count(0)
