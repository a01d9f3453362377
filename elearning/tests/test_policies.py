"""The Content-Security-Policy and Permissions-Policy every page sends (elearning/policies.py).

The authorization matrix checks both headers on every URL as every role; these are the details."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from courses.tests.factories import CourseFactory
from elearning.testing.policies import directives, policy_problems


@pytest.mark.django_db
def test_page_policy_allows_sockets_only_to_its_own_host(client, settings):
    settings.ALLOWED_HOSTS = ["school.test"]
    response = client.get("/", HTTP_HOST="school.test")
    assert policy_problems(response) == []
    assert directives(response["Content-Security-Policy"])["connect-src"] == "'self' ws://school.test"


@pytest.mark.django_db
def test_https_page_allows_only_wss(client, settings):
    settings.ALLOWED_HOSTS = ["school.test"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/", HTTP_HOST="school.test", HTTP_X_FORWARDED_PROTO="https")
    assert directives(response["Content-Security-Policy"])["connect-src"] == "'self' wss://school.test"


@pytest.mark.django_db
def test_a_refused_host_still_gets_the_policy(client):
    response = client.get("/", HTTP_HOST="evil.test")
    assert response.status_code == 400
    assert policy_problems(response) == []
    assert "evil.test" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_only_the_classroom_page_may_use_the_microphone(login, teacher):
    course = CourseFactory(teacher=teacher)
    client = login(teacher)
    room = client.get(f"/courses/{course.pk}/classroom/")
    assert room.status_code == 200
    assert policy_problems(room, microphone=True) == []
    for path in ("/", course.get_absolute_url(), f"/courses/{course.pk}/classroom/messages/"):
        assert "microphone=()" in client.get(path)["Permissions-Policy"].split(", "), path


@pytest.mark.django_db
def test_a_refused_classroom_gets_no_microphone(login, student):
    course = CourseFactory()
    response = login(student).get(f"/courses/{course.pk}/classroom/")
    assert response.status_code == 403
    assert "microphone=()" in response["Permissions-Policy"].split(", ")


@pytest.mark.django_db
def test_django_admin_needs_no_relaxation(login, admin_user):
    """Django 5.2's admin has no inline script or style: it runs under the site's policy (its
    one <style>, in change_list.html, appears only for a model admin with no actions bar)."""
    response = login(admin_user).get("/admin/accounts/user/add/")
    assert response.status_code == 200
    assert policy_problems(response) == []


TEMPLATE_DIRS = [Path(settings.BASE_DIR) / app for app in
                 ("templates", "accounts", "courses", "classroom", "assignments", "invitations",
                  "notifications", "elearning")]
INLINE = re.compile(r"""\sstyle\s*=|<style|\son[a-z]+\s*=\s*["']|<script(?![^>]*\bsrc=)(?![^>]*type="application/json")""", re.I)


def test_no_page_template_has_inline_script_style_or_handlers():
    """What the policy would refuse in the browser, caught at the source (e-mails are not pages)."""
    offenders = []
    for root in TEMPLATE_DIRS:
        for path in root.rglob("*.html"):
            if "email" in path.parts or "node_modules" in path.parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if INLINE.search(line):
                    offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()[:100]}")
    assert offenders == []


def test_no_script_sets_a_style_attribute_or_evaluates_strings():
    offenders = []
    pattern = re.compile(r"""setAttribute\(\s*["'](style|on\w+)["']|\beval\(|new Function\(|\.innerHTML\s*=|insertAdjacentHTML|setTimeout\(\s*["']""")
    for root in [*TEMPLATE_DIRS, Path(settings.BASE_DIR) / "static"]:
        for path in root.rglob("*.js"):
            if "vendor" in path.parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if pattern.search(line):
                    offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()[:100]}")
    assert offenders == []


def test_browser_tests_wait_on_functions_not_expressions():
    """Playwright evaluates a bare-expression predicate with eval() on every poll after the
    first, which the page's policy refuses: such a wait passed only when its condition already
    held at the first look (a flaky EvalError in CI). A function is evaluated once, in the call."""
    offenders = []
    call = re.compile(r"""wait_for_function\(\s*f?(["']{1,3})(?!\s*(\(|\w+\s*=>|async\b|function\b))""")
    for path in Path(settings.BASE_DIR).glob("*/tests/**/*.py"):
        text = path.read_text()
        for match in call.finditer(text):
            number = text.count("\n", 0, match.start()) + 1
            offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{number}")
    assert offenders == []
