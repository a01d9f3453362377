"""Sign-up starts with a choice of role; logging out says so. In Chromium, with the keyboard."""

import pytest
from playwright.sync_api import expect

from accounts.tests.test_browser import look, open_user_menu
from elearning.testing.browser import MOBILE

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [None, MOBILE], ids=["desktop", "phone"])
def test_sign_up_asks_student_or_teacher_first(new_page, viewport):
    page = new_page(viewport=viewport)
    page.goto("/courses/")
    if viewport:
        page.get_by_role("button", name="Toggle navigation").click()
    page.get_by_role("link", name="Sign up").click()
    page.wait_for_url("**/accounts/signup/")
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    look(page, f"signup-choice{'-phone' if viewport else ''}")
    # The keyboard reaches both cards; Enter on "I am a teacher" opens the teacher form.
    teacher = page.get_by_role("link", name="I am a teacher")
    expect(page.get_by_role("link", name="I am a student")).to_have_attribute("href", "/accounts/signup/student/")
    teacher.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/signup/teacher/")
    expect(page.get_by_role("heading", name="Create a teacher account")).to_be_visible()


@pytest.mark.parametrize("viewport", [None, MOBILE], ids=["desktop", "phone"])
def test_logging_out_shows_a_message(page_as, student, viewport):
    page = page_as(student, viewport=viewport)
    page.goto("/")
    if viewport:
        page.get_by_role("button", name="Toggle navigation").click()
    open_user_menu(page)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/")
    expect(page.get_by_role("alert")).to_contain_text("You have been logged out.")
    look(page, f"logged-out{'-phone' if viewport else ''}")
