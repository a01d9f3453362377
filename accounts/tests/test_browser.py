"""Accounts end to end in Chromium against a live Daphne: what a new visitor actually does."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from accounts.services import user_set_blocked
from elearning.testing.browser import MOBILE, assert_accessible, screenshot
from elearning.testing.smtp import body_text

from .factories import PASSWORD, StudentFactory
from .images import image_bytes

pytestmark = pytest.mark.browser


def look(page, name):
    """Every page a test visits is checked by axe and photographed for a person to look at."""
    assert_accessible(page, context=name)
    screenshot(page, name)


def photo_file(name="me.png", color=(30, 120, 200)):
    return {"name": name, "mimeType": "image/png", "buffer": image_bytes("PNG", size=(300, 300), color=color)}


def open_user_menu(page):
    page.locator("#user-menu").click()


def test_teacher_signs_up_logs_out_logs_in_resets_password_and_changes_photo(page, mailbox):
    page.goto("/")
    look(page, "landing")
    page.get_by_role("link", name="I teach — create an account").click()
    page.wait_for_url("**/accounts/signup/teacher/")
    look(page, "signup-teacher")
    page.get_by_label("Username").fill("mrs_garcia")
    page.get_by_label("E-mail").fill("garcia@school.test")
    page.get_by_label("Full name").fill("Elena García")
    page.locator("#id_password1").fill("chalk-and-talk-42")
    page.locator("#id_password2").fill("chalk-and-talk-42")
    page.get_by_label("Photo").set_input_files(photo_file())
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/")
    expect(page.get_by_role("heading", name="Welcome, Elena García")).to_be_visible()
    expect(page.get_by_text("Your account is ready")).to_be_visible()
    avatar = page.locator("nav img.avatar")
    expect(avatar).to_have_js_property("naturalWidth", 320)  # the stored photo is a 320 px square
    look(page, "dashboard-teacher")
    assert User.objects.get(username="mrs_garcia").role == "teacher"

    # Log out, log back in.
    open_user_menu(page)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/")
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()
    page.get_by_role("link", name="Log in").first.click()
    look(page, "login")
    page.get_by_label("Username").fill("mrs_garcia")
    page.get_by_label("Password").fill("chalk-and-talk-42")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    expect(page.get_by_role("heading", name="Welcome, Elena García")).to_be_visible()

    # Forgot the password: the e-mailed link (through a real SMTP server) sets a new one.
    open_user_menu(page)
    page.get_by_role("button", name="Log out").click()
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    look(page, "password-reset")
    page.get_by_label("Email").fill("garcia@school.test")
    page.get_by_role("button", name="Send me the link").click()
    page.wait_for_url("**/accounts/password_reset/done/")
    look(page, "password-reset-done")
    (message,) = mailbox.wait_for(1, to="garcia@school.test")
    link = re.search(r"https?://\S+/accounts/reset/\S+/", body_text(message)).group(0)
    page.goto(link)
    look(page, "password-reset-confirm")
    page.locator("#id_new_password1").fill("fresh-start-2026")
    page.locator("#id_new_password2").fill("fresh-start-2026")
    page.get_by_role("button", name="Set my new password").click()
    page.wait_for_url("**/accounts/reset/done/")
    look(page, "password-reset-complete")
    page.get_by_role("link", name="Log in").last.click()
    page.get_by_label("Username").fill("mrs_garcia")
    page.get_by_label("Password").fill("fresh-start-2026")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")

    # A new photo on the profile page replaces the old one everywhere.
    old_src = page.locator("nav img.avatar").get_attribute("src")
    page.goto("/accounts/profile/")
    look(page, "profile")
    page.get_by_label("Photo", exact=True).set_input_files(photo_file("new.png", color=(240, 180, 20)))
    page.get_by_label("Bio").fill("<b>Maths</b> & physics")
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_url("**/accounts/profile/")
    expect(page.get_by_text("Your profile has been saved.")).to_be_visible()
    expect(page.locator("nav img.avatar")).not_to_have_attribute("src", old_src)
    look(page, "profile-saved")
    page.goto("/")
    expect(page.locator(".bio")).to_have_text("<b>Maths</b> & physics")


def test_student_signs_up_on_a_phone_and_bad_input_is_explained(new_page):
    page = new_page(viewport=MOBILE)
    StudentFactory(username="taken_name")
    page.goto("/")
    screenshot(page, "landing-375")
    page.get_by_role("button", name="Toggle navigation").click()
    page.get_by_role("link", name="Sign up").click()
    page.wait_for_url("**/accounts/signup/")  # the choice of role first
    page.get_by_role("link", name="I am a student").click()
    page.wait_for_url("**/accounts/signup/student/")
    page.get_by_label("Username").fill("taken_name")
    page.get_by_label("E-mail").fill("not-an-address")
    page.get_by_label("Full name").fill("x" * 140)
    page.locator("#id_password1").fill("12345")
    page.locator("#id_password2").fill("54321")
    page.get_by_label("Photo").set_input_files({"name": "virus.png", "mimeType": "image/png", "buffer": b"MZ not a png"})
    page.get_by_role("button", name="Create account").click()
    errors = page.locator(".invalid-feedback")
    for error in ("already exists", "valid email", "didn’t match", "not an image"):
        expect(errors.filter(has_text=error)).to_be_visible()
    look(page, "signup-student-errors-375")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_label("Username").fill("sam")
    page.get_by_label("E-mail").fill("sam@school.test")
    page.locator("#id_password1").fill("backpack-and-books-7")
    page.locator("#id_password2").fill("backpack-and-books-7")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/")
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()
    expect(page.locator("nav .avatar-initial")).to_have_count(1)  # no photo: the initial shows
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # the long name wraps
    look(page, "dashboard-student-375")


def test_blocked_user_is_told_why_at_login(page):
    user = StudentFactory(username="blocky")
    user_set_blocked(user=user, blocked=True)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("blocky")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("has been blocked")).to_be_visible()
    look(page, "login-blocked")


def test_pages_per_role(page_as, student, teacher, admin_user):
    for user, name in ((student, "student"), (teacher, "teacher"), (admin_user, "admin")):
        page = page_as(user)
        page.goto("/")
        look(page, f"home-{name}")
        page.goto("/accounts/password_change/")
        look(page, f"password-change-{name}")
    page.goto("/admin/")
    screenshot(page, "django-admin")
    page.goto("/no/such/page/")
    look(page, "404")
