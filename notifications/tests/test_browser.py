"""The live badge in Chromium against a real Daphne: a notification arrives, the number rises."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import expect

from accounts.tests.test_browser import look
from courses.tests.factories import CourseFactory
from elearning.testing.browser import MOBILE, screenshot
from courses import notices
from notifications.consumers import CLOSE_NOT_SIGNED_IN
from notifications.models import Notification
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.browser


def wait_live(page):
    """badge.js has its socket open (it sets data-live on the badge)."""
    expect(page.locator("#notification-badge")).to_have_attribute("data-live", "true")


def test_badge_rises_live_and_falls_when_read_elsewhere(page_as, teacher, student, admin_user):
    NotificationFactory(recipient=teacher, title="Earlier news", link="/courses/")
    teacher_page = page_as(teacher)
    teacher_page.goto("/")
    badge = teacher_page.locator("#notification-badge")
    count = badge.locator("[data-notification-count]")
    expect(count).to_have_text("1")
    wait_live(teacher_page)

    # An admin writes to the teacher from the Django admin, in the server process.
    admin_page = page_as(admin_user)
    admin_page.goto("/admin/notifications/notification/add/")
    admin_page.locator("#id_recipient").fill(str(teacher.pk))
    admin_page.locator("#id_title").fill("Staff meeting <Friday>")
    admin_page.locator("#id_message").fill("In the library & online.")
    admin_page.locator("#id_link").fill("/courses/")
    admin_page.get_by_role("button", name="Save", exact=True).click()
    expect(admin_page.locator(".messagelist")).to_contain_text("was added successfully")
    assert Notification.objects.get(title="Staff meeting <Friday>").type == "announcement"

    # The teacher's page was not reloaded: the number rose and a toast shows the title as text.
    expect(count).to_have_text("2")
    expect(badge).to_have_attribute("aria-label", "Notifications, 2 unread")
    expect(teacher_page.locator("#notification-toasts")).to_contain_text("Staff meeting <Friday>")
    look(teacher_page, "notification-badge-live")

    # A student enrolls with the button in their own browser: the teacher hears of it live.
    course = CourseFactory(teacher=teacher, title="Chemistry 7")
    student_page = page_as(student)
    student_page.goto(f"/courses/{course.pk}/")
    student_page.get_by_role("button", name="Enroll").click()
    expect(student_page.get_by_text("You joined")).to_be_visible()
    expect(count).to_have_text("3")
    expect(teacher_page.locator("#notification-toasts")).to_contain_text(f"{student.display_name} joined Chemistry 7")
    unread = 3

    if settings.REDIS_URL:
        # With Redis the test process is just another server process: its event reaches the
        # browser connected to Daphne (cross-process delivery).
        # (From a thread of its own: Playwright's event loop runs in this one.)
        def unenroll_event():
            try:
                notices.student_unenrolled(course=course, student=student)
            finally:
                connection.close()  # this thread's own connection

        with ThreadPoolExecutor(1) as pool:
            pool.submit(unenroll_event).result()
        unread += 1
        expect(count).to_have_text(str(unread))

    # In a second tab the teacher opens the centre and reads everything.
    centre = page_as(teacher)
    centre.goto("/notifications/")
    expect(centre.get_by_role("heading", name="Staff meeting <Friday>")).to_be_visible()
    look(centre, "notification-centre")
    centre.get_by_role("button", name="Mark all as read").click()
    expect(centre.get_by_text("All notifications are marked as read.")).to_be_visible()
    look(centre, "notification-centre-read")

    # ...and the first tab's badge drops to nothing, again without a reload.
    expect(count).to_be_hidden()
    expect(badge).to_have_attribute("aria-label", "Notifications, none unread")

    # Opening a notification goes to its link.
    centre.get_by_role("button", name="Open: Earlier news").click()
    centre.wait_for_url("**/courses/")


def test_centre_on_a_phone(page_as, student):
    NotificationFactory.create_batch(3, recipient=student, title="New material in a course with a long name")
    phone = page_as(student, viewport=MOBILE)
    phone.goto("/notifications/")
    # On a phone the bell sits beside the menu button, visible without opening the menu.
    phone_badge = phone.get_by_role("link", name="Notifications, 3 unread")
    expect(phone_badge).to_be_visible()
    expect(phone_badge.locator("[data-notification-count]")).to_have_text("3")
    look(phone, "notification-centre-mobile")
    phone.get_by_role("button", name="Toggle navigation").click()
    expect(phone.get_by_role("link", name="Dashboard")).to_be_visible()
    expect(phone.locator("#notification-badge")).to_be_hidden()  # one bell at a time
    screenshot(phone, "notification-badge-mobile-menu")


def test_badge_reconnects_after_a_drop_and_stops_on_the_final_close_code(page_as, teacher):
    page = page_as(teacher)
    connections = []  # every badge socket the page opens, passed through to the real server

    def pass_through(socket):
        socket.connect_to_server()
        connections.append(socket)

    page.route_web_socket(re.compile(r"/ws/notifications/$"), pass_through)
    page.goto("/")
    badge = page.locator("#notification-badge")
    count = badge.locator("[data-notification-count]")
    # The codes that end the badge's socket come from the page, i.e. from notifications.consumers.
    expect(badge).to_have_attribute("data-final-close-codes", str(CLOSE_NOT_SIGNED_IN))
    wait_live(page)
    expect(count).to_be_hidden()

    # A notification is stored while the connection drops (a server restart): the badge
    # reconnects by itself, and the count the server sends on connecting is the right one.
    NotificationFactory(recipient=teacher, title="While you were away")
    connections[0].close(code=1012)
    expect(count).to_have_text("1")
    wait_live(page)
    assert len(connections) == 2

    # Closed with the "not signed in" code: the badge stops and never asks again. (Its first
    # retry would come within half a second; it is given three times that.)
    connections[1].close(code=CLOSE_NOT_SIGNED_IN)
    expect(badge).to_have_attribute("data-live", "false")
    page.evaluate("() => new Promise((done) => setTimeout(done, 1500))")
    assert len(connections) == 2
    expect(badge).to_have_attribute("data-live", "false")
