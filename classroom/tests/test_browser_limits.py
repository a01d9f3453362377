"""A user over the classroom's socket cap (CLASSROOM_MAX_SOCKETS_PER_USER) opens one more
classroom page: its socket is closed with 4029 and the page says why, and does not retry."""

from __future__ import annotations

from contextlib import ExitStack

import pytest
from django.conf import settings
from playwright.sync_api import expect
from websockets.sync.client import connect

from accounts.tests.factories import StudentFactory, TeacherFactory
from accounts.tests.test_browser import look
from classroom.models import Presence
from conftest import client_for
from courses import services as course_services
from courses.tests.factories import CourseFactory
from elearning.testing.browser import MOBILE

pytestmark = pytest.mark.browser


def test_one_tab_too_many_is_told_to_close_some(browser, daphne_server, transactional_db):
    course = CourseFactory(teacher=TeacherFactory())
    student = StudentFactory()
    course_services.enrollment_enroll(student=student, course=course)
    cookie = client_for(student).cookies[settings.SESSION_COOKIE_NAME].value
    with ExitStack() as stack:
        tabs = [
            stack.enter_context(connect(
                f"{daphne_server.ws_url}/ws/classroom/{course.pk}/",
                origin=daphne_server.url,
                additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"},
            ))
            for _ in range(settings.CLASSROOM_MAX_SOCKETS_PER_USER)
        ]
        for tab in tabs:
            assert '"state"' in tab.recv(timeout=10)
        context = browser.new_context(base_url=daphne_server.url)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": daphne_server.url}])
        page = context.new_page()
        page.goto(f"/courses/{course.pk}/classroom/")
        expect(page.get_by_text("You have the classroom open in too many tabs or windows.")).to_be_visible()
        expect(page.locator("#room-status")).to_have_text("Disconnected")
        assert page.evaluate("window.classroom.socket.connection.stopped")  # no reconnecting
        look(page, "classroom-too-many-tabs")
        page.set_viewport_size(MOBILE)
        look(page, "classroom-too-many-tabs-phone")
        context.close()
        assert Presence.objects.filter(user=student).count() == len(tabs)  # the refused one left none
