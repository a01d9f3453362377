"""Notification toasts for keyboard and screen-reader users, in Chromium against a real Daphne:
the live region is there before the first toast, a toast stays while focused or pointed at, and
closing it gives focus back instead of dropping it to <body>."""

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import StudentFactory
from accounts.tests.test_browser import look
from courses.tests.factories import CourseFactory
from elearning.testing.browser import MOBILE, screenshot

pytestmark = pytest.mark.browser

ACTIVE = "() => { const a = document.activeElement; return a === document.body ? 'body' : (a.id || a.className || a.tagName); }"


def enroll(page_as, course):
    """A student joins ``course`` in a browser of their own: its teacher is notified live."""
    page = page_as(StudentFactory())
    page.goto(course.get_absolute_url())
    page.get_by_role("button", name="Enroll").click()
    expect(page.get_by_text("You joined")).to_be_visible()


def test_toasts_are_announced_wait_for_the_reader_and_give_focus_back(page_as, teacher):
    course = CourseFactory(teacher=teacher, title="Geology")
    page = page_as(teacher)
    page.goto("/")
    region = page.locator("#notification-toasts")
    # Before any notification: the polite live region is already in the page, empty.
    expect(region).to_have_attribute("role", "status")
    expect(region).to_have_attribute("aria-live", "polite")
    expect(region.locator(".toast")).to_have_count(0)
    expect(page.locator("#notification-badge")).to_have_attribute("data-live", "true")
    home = page.locator("footer a.footer-link")

    # Seen, at both widths (a long life meanwhile), then closed.
    region.evaluate("r => { r.dataset.seconds = '60'; }")
    enroll(page_as, course)
    toast = region.locator(".toast")
    expect(toast).to_have_count(1)
    look(page, "notification-toast")
    page.set_viewport_size(MOBILE)
    screenshot(page, "notification-toast-mobile")
    page.set_viewport_size({"width": 1280, "height": 720})
    toast.get_by_role("button", name="Close").click()
    expect(toast).to_have_count(0)
    page.mouse.move(5, 5)  # not resting where the next toast appears

    # A toast focused from the keyboard stays past its time; leaving it lets it go. Its life is
    # short (2 s), and the reader reaches it at once: the focus is waiting just before it.
    region.evaluate("r => { r.dataset.seconds = '2'; }")
    home.focus()
    enroll(page_as, course)
    expect(toast).to_have_count(1)
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE) == "btn-close"
    page.wait_for_timeout(3000)  # past its two seconds
    expect(toast).to_have_count(1)
    page.keyboard.press("Shift+Tab")
    expect(toast).to_have_count(0)

    # Pointed at with the mouse: the same.
    enroll(page_as, course)
    expect(toast).to_have_count(1)
    toast.hover()
    page.wait_for_timeout(3000)
    expect(toast).to_have_count(1)
    page.mouse.move(5, 5)
    expect(toast).to_have_count(0)

    # Closed from the keyboard: focus returns to where the reader came from, not to <body>.
    region.evaluate("r => { r.dataset.seconds = '60'; }")
    enroll(page_as, course)
    expect(toast).to_have_count(1)
    home.focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(toast).to_have_count(0)
    assert page.evaluate(ACTIVE) == "footer-link"

    # Escape closes it too; the focus again goes back.
    enroll(page_as, course)
    expect(toast).to_have_count(1)
    home.focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # the notification's own link
    page.keyboard.press("Escape")
    expect(toast).to_have_count(0)
    assert page.evaluate(ACTIVE) == "footer-link"
