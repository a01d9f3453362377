"""The site's main pages in Chromium under their real Content-Security-Policy: not one violation.

Every browser test's pages are watched too (``watch_policy_violations`` in the ``new_page``
fixture, checked by each ``look``); this test walks the main pages on purpose, including the
ones that change themselves with script (upload progress, flashcards, the classroom's chat,
board and microphone) and Django's admin."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.tests.factories import AdminFactory, StudentFactory, TeacherFactory
from assignments.tests.factories import deck_with, quiz_with
from courses import services as course_services
from courses.tests.factories import CourseFactory, FeedbackFactory
from courses.tests.files import pdf_bytes
from elearning.testing.browser import assert_no_policy_violations
from elearning.testing.policies import directives

pytestmark = pytest.mark.browser


@pytest.fixture
def visit(new_page):
    """``visit(user)``: a watched page logged in as ``user`` (None: anonymous)."""
    return lambda user=None: new_page(user=user)


def go(page, path):
    response = page.goto(path)
    policy = directives(response.headers["content-security-policy"])
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'", path
    page.wait_for_load_state("networkidle")
    assert_no_policy_violations(page, context=path)


def test_the_watch_sees_a_violation(visit):
    """The check can fail: an inline style attribute added by script is reported."""
    page = visit()
    go(page, "/")
    page.evaluate("""() => { const d = document.createElement("div");
        d.setAttribute("style", "color: red"); document.body.append(d); }""")
    for _ in range(100):  # the event is dispatched asynchronously
        if page.context.policy_violations:
            break
        page.wait_for_timeout(50)
    with pytest.raises(AssertionError, match="style-src"):
        assert_no_policy_violations(page)


def test_main_pages_run_with_no_policy_violation(visit):
    teacher = TeacherFactory(username="t_csp", full_name="Tess Teacher")
    student = StudentFactory(username="s_csp", full_name="Sam Student")
    course = CourseFactory(teacher=teacher, title="Optics")
    course_services.enrollment_enroll(student=student, course=course)
    for rating in (5, 4, 4, 2):
        rater = StudentFactory()
        course_services.enrollment_enroll(student=rater, course=course)
        FeedbackFactory(course=course, student=rater, rating=rating)
    quiz = quiz_with(course=course, published=True)
    deck = deck_with(course=course, published=True)

    anonymous = visit()
    for path in ("/", "/accounts/login/", "/accounts/signup/student/", "/courses/", "/admin/login/"):
        go(anonymous, path)
    anonymous.goto("/accounts/login/")
    anonymous.get_by_label("Username").fill("nobody")
    anonymous.get_by_label("Password").fill("wrong-password")
    anonymous.get_by_role("button", name="Log in").click()
    expect(anonymous.get_by_role("alert")).to_be_visible()
    assert_no_policy_violations(anonymous, context="failed login")

    page = visit(student)
    for path in ("/", course.get_absolute_url(), "/notifications/",
                 f"/courses/{course.pk}/assignments/{quiz.pk}/"):
        go(page, path)
    go(page, f"/courses/{course.pk}/assignments/{deck.pk}/")
    page.locator("[data-flip]:visible").click()
    page.get_by_role("button", name="Got it").click()
    expect(page.locator("[data-known]")).to_have_text("1")
    assert_no_policy_violations(page, context="flashcards")

    page = visit(teacher)
    for path in ("/", course.get_absolute_url(), f"/courses/{course.pk}/roster/", "/accounts/invitations/",
                 "/accounts/invitations/bulk/", "/accounts/profile/"):
        go(page, path)
    go(page, f"/courses/{course.pk}/materials/new/")
    page.get_by_label("Title").fill("Lenses")
    page.get_by_label("File").set_input_files({"name": "lenses.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(2)})
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url(f"**/courses/{course.pk}/#materials")
    assert_no_policy_violations(page, context="material upload")

    # The classroom: socket, chat, a stroke on the board, the (fake) microphone started.
    go(page, f"/courses/{course.pk}/classroom/")
    expect(page.locator("#room-status")).to_have_text("Connected")
    page.get_by_role("textbox", name="Message").fill("Light bends")
    page.keyboard.press("Enter")
    expect(page.locator(".chat-body", has_text="Light bends")).to_be_visible()
    box = page.locator("#board").bounding_box()
    page.mouse.move(box["x"] + 50, box["y"] + 50)
    page.mouse.down()
    page.mouse.move(box["x"] + 200, box["y"] + 120, steps=10)
    page.mouse.up()
    page.get_by_role("button", name="Start microphone").click()
    expect(page.get_by_role("button", name="Stop microphone")).to_be_visible()
    page.get_by_role("button", name="Stop microphone").click()
    assert_no_policy_violations(page, context="classroom")

    admin = visit(AdminFactory(username="a_csp"))
    for path in ("/admin/", "/admin/accounts/user/", f"/admin/accounts/user/{student.pk}/change/",
                 "/admin/courses/course/add/"):
        go(admin, path)
