"""Invitations end to end in Chromium: a teacher uploads a messy Excel-made file, reads the
preview, confirms and watches the progress; the invited student opens the e-mailed link, signs
up and lands in the course."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from accounts.tests.factories import StudentFactory
from accounts.tests.test_browser import look
from courses.models import Enrollment
from courses.tests.factories import CourseFactory
from elearning.testing.browser import MOBILE, screenshot
from elearning.testing.smtp import body_text
from invitations.models import Invitation


pytestmark = pytest.mark.browser


def run_tasks() -> None:
    """Run what is queued in this process (the live server's worker may take some first: either
    way everything queued is sent), so that no task is left running when the test's database is
    flushed, and the test does not depend on the session-wide worker being alive."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval=0", verbosity=0)


def test_teacher_invites_a_class_and_a_student_accepts(page_as, new_page, teacher, daphne_server, mailbox, settings):
    # Mail sent by this process goes where the live server's goes, with links to it.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", mailbox.port
    settings.SITE_URL = daphne_server.url
    course = CourseFactory(teacher=teacher, title="Algebra 7B", code="MATH-7B")
    messy = (
        "\r\n Full Name ;E-Mail;User Type;Course Code\r\n"
        "Zoë Ångström;sam@pupils.test;student;math-7b\r\n"
        '"Müller; Jörg";joerg@pupils.test;student;MATH-7B\r\n'
        "\r\n"
        "Duplicate Zoë;SAM@pupils.test;student;\r\n"
        "No Address;not-an-email;student;\r\n"
        "Wrong Role;w@pupils.test;wizard;\r\n"
        "Too;many;columns;here;really\r\n"
    ).encode("cp1252")

    page = page_as(teacher)
    page.goto("/")
    page.get_by_role("link", name="Invite a class").click()
    page.wait_for_url("**/accounts/invitations/bulk/")
    look(page, "invitations-bulk-upload")
    page.get_by_label("Spreadsheet").set_input_files({"name": "Klasse 7b.csv", "mimeType": "text/csv", "buffer": messy})
    page.get_by_role("button", name="Preview").click()
    page.wait_for_url(re.compile(r".*/accounts/invitations/bulk/\d+/$"))
    expect(page.get_by_text("Windows-1252 text, semicolon-separated")).to_be_visible()
    table = page.locator(".bulk-table")
    expect(table.get_by_text("Zoë Ångström")).to_be_visible()
    expect(table.get_by_text("Duplicate of line 3")).to_be_visible()
    expect(table.get_by_text("is not a valid e-mail address")).to_be_visible()
    expect(table.get_by_text("Unknown user type")).to_be_visible()
    expect(table.get_by_text("This row has 5 columns")).to_be_visible()
    expect(page.locator('[data-count="invite"]')).to_have_text("2")
    expect(page.locator('[data-count="error"]')).to_have_text("3")
    look(page, "invitations-bulk-preview")
    page.set_viewport_size(MOBILE)
    screenshot(page, "invitations-bulk-preview-mobile")
    page.set_viewport_size({"width": 1280, "height": 800})
    assert not Invitation.objects.exists()  # nothing before confirm

    page.get_by_role("button", name="Confirm and send").click()
    expect(page.get_by_role("progressbar")).to_be_visible()
    look(page, "invitations-bulk-progress")
    run_tasks()  # the background worker sends the e-mails; the page notices by itself
    expect(page.get_by_text("Done.")).to_be_visible(timeout=15_000)
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(page.get_by_role("link", name="Download the report (CSV)")).to_be_visible()
    look(page, "invitations-bulk-report")
    page.set_viewport_size(MOBILE)
    screenshot(page, "invitations-bulk-report-mobile")
    page.set_viewport_size({"width": 1280, "height": 800})
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report (CSV)").click()
    report = open(download.value.path(), encoding="utf-8-sig").read()
    assert "sam@pupils.test,student,math-7b,invited" in report

    page.goto("/accounts/invitations/new/")
    look(page, "invitations-new")
    page.set_viewport_size(MOBILE)
    screenshot(page, "invitations-new-mobile")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/accounts/invitations/")
    expect(page.get_by_text("joerg@pupils.test")).to_be_visible()
    page.get_by_text("Copy link").first.click()
    look(page, "invitations-list")
    page.set_viewport_size(MOBILE)
    screenshot(page, "invitations-list-mobile")

    # The student opens the e-mailed link.
    messages = mailbox.wait_for(2)
    [mail] = [m for m in messages if m["To"] == "sam@pupils.test"]
    assert mail["Subject"] == "Tom Teacher invited you to Algebra 7B on eLearning"
    link = re.search(r"http://\S+/invite/\S+/", body_text(mail)).group(0)
    student_page = new_page()
    student_page.goto(link)
    expect(student_page.get_by_text("sam@pupils.test")).to_be_visible()
    look(student_page, "invitation-accept")
    student_page.set_viewport_size(MOBILE)
    screenshot(student_page, "invitation-accept-mobile")
    student_page.set_viewport_size({"width": 1280, "height": 800})
    student_page.get_by_label("Username").fill("zoe_a")
    student_page.locator("#id_password1").fill("a-long-pass-phrase-9")
    student_page.locator("#id_password2").fill("a-long-pass-phrase-9")
    student_page.get_by_role("button", name="Create my account").click()
    student_page.wait_for_url(f"**{course.get_absolute_url()}")
    expect(student_page.get_by_text("Welcome! You are now in Algebra 7B.")).to_be_visible()
    screenshot(student_page, "invitation-accepted-course")
    student = User.objects.get(username="zoe_a")
    assert (student.email, student.full_name) == ("sam@pupils.test", "Zoë Ångström")
    assert Enrollment.objects.filter(student=student, course=course, is_active=True).exists()

    # Used: the same link now shows the one "not valid" page.
    other = new_page(viewport=MOBILE)
    other.goto(link)
    expect(other.get_by_role("heading", name="This invitation link is not valid")).to_be_visible()
    look(other, "invitation-invalid-mobile")
    run_tasks()  # the inviter's "invitation accepted" e-mail


def test_join_link_pages(page_as, new_page, teacher, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    course = CourseFactory(teacher=teacher, title="Biology 9", code="BIO-9")
    page = page_as(teacher)
    page.goto("/accounts/invitations/join-links/")
    page.get_by_role("button", name="Turn on").click()
    code = page.locator(".join-code").inner_text()
    look(page, "invitations-join-links")
    page.set_viewport_size(MOBILE)
    screenshot(page, "invitations-join-links-mobile")

    visitor = new_page()
    visitor.goto(f"/join/{code}/")
    look(visitor, "join-visitor")
    visitor.get_by_role("link", name="Sign up and join").click()
    visitor.get_by_label("Username").fill("newbie")
    visitor.get_by_label("E-mail").fill("newbie@pupils.test")
    visitor.locator("#id_password1").fill("a-long-pass-phrase-9")
    visitor.locator("#id_password2").fill("a-long-pass-phrase-9")
    visitor.get_by_role("button", name="Create account").click()
    visitor.wait_for_url(f"**{course.get_absolute_url()}")
    expect(visitor.get_by_text("You joined Biology 9.")).to_be_visible()
    assert Enrollment.objects.filter(student__username="newbie", course=course).exists()

    # A signed-in student joins with one click.
    student_page = page_as(StudentFactory(username="signed_in"), viewport=MOBILE)
    student_page.goto(f"/join/{code}/")
    look(student_page, "join-student-mobile")
    student_page.get_by_role("button", name="Join the course").click()
    student_page.wait_for_url(f"**{course.get_absolute_url()}")
    assert Enrollment.objects.filter(student__username="signed_in", course=course, is_active=True).exists()
    run_tasks()  # the teacher's "joined" e-mails
