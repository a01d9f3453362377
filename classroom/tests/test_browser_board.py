"""The whiteboard and the microphone for every user: the board's place and size on the page, full
screen, drawing and placing text from the keyboard, the board's text alternative (live for every
viewer), a refused or missing microphone, and where focus goes when the audio controls change."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import StudentFactory, TeacherFactory
from accounts.tests.test_browser import look
from classroom.tests.test_browser import audio_browser, enter, expect_board, open_as  # noqa: F401 - fixtures
from courses import services as course_services
from courses.tests.factories import CourseFactory
from elearning.testing.browser import MOBILE

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def lesson(open_as):
    """A course with its teacher and one enrolled student, each with a page opener."""
    teacher = TeacherFactory(username="ms_kay", full_name="Ms Kay")
    course = CourseFactory(teacher=teacher, title="Biology 9C")
    student = StudentFactory(username="leo", full_name="Leo Learner")
    course_services.enrollment_enroll(student=student, course=course)

    def page_of(user, viewport=LAPTOP):
        page = open_as(user)
        page.set_viewport_size(viewport)
        enter(page, course)
        return page

    return {"teacher": teacher, "student": student, "course": course, "page_of": page_of}


def box_of(page, selector):
    return page.locator(selector).bounding_box()


def test_board_is_large_and_first_on_a_laptop_and_fits_a_phone(lesson):
    for user in (lesson["teacher"], lesson["student"]):
        page = lesson["page_of"](user)
        board, chat = box_of(page, "#board"), box_of(page, "#chat-log")
        # Wide, above the fold as a whole, and before the chat.
        assert board["width"] >= 0.6 * LAPTOP["width"], board
        assert board["y"] + board["height"] <= LAPTOP["height"], board
        assert board["y"] < chat["y"], (board, chat)
        look(page, f"classroom-board-laptop-{user.username}")
        page.set_viewport_size(MOBILE)
        page.wait_for_function("document.documentElement.scrollWidth <= innerWidth")
        board = box_of(page, "#board")
        assert board["width"] >= 0.8 * MOBILE["width"], board
        assert board["y"] < box_of(page, "#chat-log")["y"]
        look(page, f"classroom-board-phone-{user.username}")
