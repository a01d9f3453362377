"""Profile cards on the course page and the roster, in Chromium: opened and closed with the
keyboard, the bio shown as text with its line breaks, only to people who share the course."""

import pytest
from playwright.sync_api import expect

from accounts.services import status_update_post
from accounts.tests.factories import StudentFactory, TeacherFactory
from accounts.tests.images import image_upload
from accounts.tests.test_browser import look
from courses import services
from courses.tests.factories import CourseFactory
from elearning.testing.browser import MOBILE

pytestmark = pytest.mark.browser


@pytest.fixture
def course(transactional_db):
    teacher = TeacherFactory(username="mr_owl", full_name="Mr Owl", bio="Biology & <chemistry>\nOffice hours: Tuesdays")
    teacher.photo.save("owl.png", image_upload(size=(96, 96), color=(200, 120, 30)), save=True)
    status_update_post(user=teacher, text="Field trip forms due Friday")
    course = CourseFactory(teacher=teacher, title="Biology 7", description="Cells, plants and animals.")
    student = StudentFactory(username="nia", full_name="Nia Student", bio="I like frogs.\nAnd maps.")
    services.enrollment_enroll(student=student, course=course)
    return course


def test_an_enrolled_student_opens_the_teachers_card_with_the_keyboard(page_as, course):
    student = course.enrollments.get().student
    page = page_as(student)
    page.goto(course.get_absolute_url())
    card = page.locator("details.person-card")
    summary = card.locator("summary")
    expect(summary).to_contain_text("Mr Owl")
    expect(card.locator(".person-card-body")).to_be_hidden()
    # Tab reaches the summary (it is in the tab order, after the page's earlier controls).
    summary.focus()
    page.keyboard.press("Enter")
    expect(card).to_have_attribute("open", "")
    body = card.locator(".person-card-body")
    expect(body).to_be_visible()
    expect(body.locator(".bio")).to_have_text("Biology & <chemistry>Office hours: Tuesdays")
    expect(body.locator(".bio br")).to_have_count(1)
    expect(body).to_contain_text("Field trip forms due Friday")
    expect(body).to_contain_text("Teacher")
    look(page, "course-teacher-card-open")
    page.set_viewport_size(MOBILE)
    look(page, "course-teacher-card-open-phone")
    page.keyboard.press(" ")
    expect(card).not_to_have_attribute("open", "")
    # Escape closes it too, from inside, and the focus goes back to its summary.
    page.keyboard.press("Enter")
    expect(card).to_have_attribute("open", "")
    page.keyboard.press("Escape")
    expect(card).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()


def test_a_visitor_sees_the_teacher_but_no_card(page, course):
    page.goto(course.get_absolute_url())
    expect(page.get_by_text("Mr Owl")).to_be_visible()
    expect(page.locator("details.person-card")).to_have_count(0)
    assert "Office hours" not in page.content()


def test_the_teacher_opens_a_students_card_on_the_roster(page_as, course):
    page = page_as(course.teacher)
    page.goto(f"/courses/{course.pk}/roster/")
    row = page.locator("li", has=page.locator("summary", has_text="Nia Student"))
    row.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(row.locator(".person-card-body .bio")).to_have_text("I like frogs.And maps.")
    expect(row.get_by_role("button", name="Remove Nia Student")).to_be_visible()
    look(page, "roster-card-open")
    page.set_viewport_size(MOBILE)
    look(page, "roster-card-open-phone")
