"""People in the classroom, in Chromium against a live Daphne: photos in the online list and the
chat, a profile card opened from the online list with the keyboard, and one clock format for
loaded and live chat messages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.services import status_update_post
from accounts.tests.factories import StudentFactory, TeacherFactory
from accounts.tests.images import image_upload
from accounts.tests.test_browser import look
from classroom.models import ChatMessage
from courses import services as course_services
from courses.tests.factories import CourseFactory
from elearning.testing.browser import MOBILE

pytestmark = pytest.mark.browser

# en-US writes "2:05 PM" (ICU puts a narrow no-break space before the PM).
US_CLOCK = re.compile(r"^\d{1,2}:\d{2}[\s\u202f][AP]M$")


@pytest.fixture
def open_as(new_page):
    """A page of ``user`` in a browser with that locale (and a time zone away from UTC)."""
    return lambda user, *, locale="en-US", viewport=None: new_page(
        user=user, viewport=viewport, locale=locale, timezone_id="Europe/Berlin"
    )


def enter(page, course):
    page.goto(f"/courses/{course.pk}/classroom/")
    expect(page.locator("#room-status")).to_have_text("Connected")


def intl_time(page, iso):
    return page.evaluate("(iso) => new Intl.DateTimeFormat(undefined, {hour: 'numeric', minute: '2-digit'}).format(new Date(iso))", iso)


@pytest.fixture
def lesson(transactional_db):
    teacher = TeacherFactory(username="ms_ada", full_name="Ada Teacher", bio="Physics & <maths>\nRoom 4B")
    teacher.photo.save("ada.png", image_upload(size=(96, 96), color=(40, 140, 90)), save=True)
    status_update_post(user=teacher, text="Lab coats on Thursday")
    course = CourseFactory(teacher=teacher, title="Physics 9")
    student = StudentFactory(username="ben", full_name="Ben Student")
    course_services.enrollment_enroll(student=student, course=course)
    ChatMessage.objects.create(course=course, author=teacher, body="Loaded with the page")
    return course, teacher, student


def test_a_loaded_and_a_live_message_show_the_same_clock_format(open_as, lesson):
    course, teacher, student = lesson
    for locale, pattern in (("en-US", US_CLOCK), ("de-DE", re.compile(r"^\d{2}:\d{2}$"))):
        student_page = open_as(student, locale=locale)
        enter(student_page, course)
        loaded = student_page.locator(".chat-line", has_text="Loaded with the page").locator("time")
        teacher_page = open_as(teacher, locale=locale)
        enter(teacher_page, course)
        teacher_page.get_by_role("textbox", name="Message").fill(f"Live in {locale}")
        teacher_page.keyboard.press("Enter")
        live = student_page.locator(".chat-line", has_text=f"Live in {locale}").locator("time")
        expect(live).to_be_visible()
        for time in (loaded, live):
            text = time.text_content()
            assert pattern.match(text), (locale, text)
            assert text == intl_time(student_page, time.get_attribute("datetime"))
        teacher_page.close()
        student_page.close()


def test_photos_in_the_online_list_and_chat_and_a_card_opened_with_the_keyboard(open_as, lesson):
    course, teacher, student = lesson
    teacher_page = open_as(teacher)
    enter(teacher_page, course)
    page = open_as(student)
    enter(page, course)

    # Photos: the teacher's beside her name in the online list and beside her chat message;
    # the student has none, so the initial.
    teacher_item = page.locator("#online-list li[data-user=ms_ada]")
    expect(teacher_item.locator("img.avatar")).to_have_attribute("src", teacher.photo.url)
    expect(page.locator("#online-list li[data-user=ben] .avatar-initial")).to_have_text("B")
    expect(page.locator(".chat-line", has_text="Loaded with the page").locator("img.avatar")).to_have_attribute("src", teacher.photo.url)
    page.get_by_role("textbox", name="Message").fill("Hello from Ben")
    page.keyboard.press("Enter")
    expect(teacher_page.locator(".chat-line", has_text="Hello from Ben").locator(".avatar-initial")).to_have_text("B")

    # The card opens from the keyboard, with the bio as text (line break kept) and the status.
    summary = teacher_item.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    card = teacher_item.locator(".person-card-body")
    expect(card).to_contain_text("Physics & <maths>")
    expect(card.locator(".bio br")).to_have_count(1)
    expect(card).to_contain_text("Lab coats on Thursday")
    expect(card).to_contain_text("Teacher")
    # Someone joining re-renders the list: the card stays open and the focus where it was.
    late = StudentFactory(username="cleo", full_name="Cleo Late")
    course_services.enrollment_enroll(student=late, course=course)
    late_page = open_as(late)
    enter(late_page, course)
    expect(page.locator("#online-list li[data-user=cleo]")).to_be_visible()
    expect(teacher_item.locator("details")).to_have_attribute("open", "")
    expect(summary).to_be_focused()
    look(page, "classroom-online-card-open")
    page.set_viewport_size(MOBILE)
    look(page, "classroom-online-card-open-phone")
    # Escape closes it and leaves the focus on its summary; Space opens it again.
    page.keyboard.press("Escape")
    expect(teacher_item.locator("details")).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()
    page.keyboard.press(" ")
    expect(teacher_item.locator("details")).to_have_attribute("open", "")
