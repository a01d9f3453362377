import re
import uuid

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from accounts.tasks import send_password_reset

from accounts.services import user_set_blocked

from .factories import PASSWORD, StudentFactory

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def test_login_with_username_and_password_reaches_the_dashboard(client, student):
    response = client.post(LOGIN, {"username": student.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert response.context["user"] == student


def test_wrong_password_is_a_form_error(client, student):
    response = client.post(LOGIN, {"username": student.username, "password": "nope"})
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode()


def test_a_refused_login_is_an_alert_that_both_fields_point_to(client, student):
    """A screen reader announces the error, and reads it again with the focused field."""
    response = client.post(LOGIN, {"username": student.username, "password": "nope"})
    html = response.content.decode()
    alert = re.search(r'<div[^>]*role="alert"[^>]*id="login-error"[^>]*>(.*?)</div>', html, re.S)
    assert alert and "enter a correct username and password" in alert.group(1)
    for name in ("username", "password"):
        field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'aria-invalid="true"' in field and 'aria-describedby="login-error"' in field, field
    fresh = client.get(LOGIN).content.decode()
    assert 'aria-invalid' not in fresh and 'role="alert"' not in fresh


def test_blocked_user_cannot_log_in_and_is_told_why(client, student):
    user_set_blocked(user=student, blocked=True)
    response = client.post(LOGIN, {"username": student.username, "password": PASSWORD})
    assert response.status_code == 200
    assert "has been blocked" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_user_blocked_while_signed_in_is_signed_out_at_the_next_request(login, student):
    client = login(student)
    assert client.get("/").status_code == 200
    user_set_blocked(user=student, blocked=True)
    response = client.get("/", follow=True)
    assert response.redirect_chain == [(reverse("accounts:login"), 302)]
    assert "has been blocked" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failed_logins_are_throttled(client, student):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(LOGIN, {"username": student.username, "password": "guess"}).status_code == 200
    locked = client.post(LOGIN, {"username": student.username, "password": "guess"})
    assert locked.status_code == 429
    assert "Too many failed log-in attempts" in locked.content.decode()
    # Even the right password is refused during the cool-off.
    again = client.post(LOGIN, {"username": student.username, "password": PASSWORD})
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_throttling_does_not_lock_out_other_users(client, student, teacher):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": student.username, "password": "guess"})
    response = client.post(LOGIN, {"username": teacher.username, "password": PASSWORD})
    assert response.status_code == 302


def test_logout_is_post_only(login, student):
    client = login(student)
    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_logging_out_says_so_on_the_page_the_user_lands_on(login, student):
    client = login(student)
    response = client.post("/accounts/logout/", follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert "You have been logged out." in response.content.decode()
    assert response.context["user"].is_anonymous
    # Said once: the next page no longer shows it.
    assert "You have been logged out." not in client.get("/").content.decode()


def request_reset(client, email, django_capture_on_commit_callbacks, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/accounts/password_reset/", {"email": email}, **extra)


def run_queued_resets() -> list[int]:
    """Run the queued reset tasks as the worker would; returns what each sent."""
    results = []
    for row in DBTaskResult.objects.filter(task_path__endswith="send_password_reset").order_by("enqueued_at"):
        payload = row.args_kwargs
        results.append(send_password_reset.call(*payload["args"], **payload["kwargs"]))
        row.delete()
    return results


def test_password_reset_by_emailed_link(client, student, django_capture_on_commit_callbacks):
    response = request_reset(client, student.email.upper(), django_capture_on_commit_callbacks)
    assert response.url == "/accounts/password_reset/done/"
    assert mail.outbox == []  # nothing is sent inside the request
    assert run_queued_resets() == [1]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [student.email]
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "brand-new-secret-77", "new_password2": "brand-new-secret-77"})
    assert done.url == "/accounts/reset/done/"
    student.refresh_from_db()
    assert student.check_password("brand-new-secret-77")
    # The link works once.
    assert not client.get(link, follow=True).context["validlink"]


def test_password_reset_for_an_unknown_address_reveals_nothing(client, student, django_capture_on_commit_callbacks):
    """Known and unknown addresses do the same work in the request (one queued task), so
    neither the page nor its timing tells them apart; the worker finds nobody to mail."""
    with CaptureQueriesContext(connection) as unknown_queries:
        unknown = request_reset(client, "nobody@school.test", django_capture_on_commit_callbacks)
    with CaptureQueriesContext(connection) as known_queries:
        known = request_reset(client, student.email, django_capture_on_commit_callbacks)
    assert unknown.url == known.url == "/accounts/password_reset/done/"
    assert len(unknown_queries) == len(known_queries)
    assert not any("accounts_user" in q["sql"] for q in known_queries.captured_queries[2:])
    assert run_queued_resets() == [0, 1]
    assert [m.to for m in mail.outbox] == [[student.email]]


def test_password_reset_is_throttled_per_address_and_per_client(client, settings, django_capture_on_commit_callbacks):
    student = StudentFactory(email=f"{uuid.uuid4().hex}@school.test")  # counters live in the cache
    settings.PASSWORD_RESET_PER_ADDRESS = 3
    settings.PASSWORD_RESET_PER_CLIENT = 5
    client_ip = f"198.51.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    statuses = [
        request_reset(client, student.email, django_capture_on_commit_callbacks, REMOTE_ADDR=client_ip).status_code
        for _ in range(5)
    ]
    assert statuses == [302] * 5  # the page says "sent" every time…
    assert len(run_queued_resets()) == 3  # …but the address gets 3 an hour
    sixth = request_reset(client, "someone-else@school.test", django_capture_on_commit_callbacks, REMOTE_ADDR=client_ip)
    assert sixth.status_code == 429 and "Too many password reset requests" in sixth.content.decode()
    other_client = request_reset(client, "someone-else@school.test", django_capture_on_commit_callbacks, REMOTE_ADDR="2001:db8::" + uuid.uuid4().hex[:4])
    assert other_client.status_code == 302


def test_password_change_needs_the_old_password(login, student):
    client = login(student)
    wrong = client.post(
        "/accounts/password_change/",
        {"old_password": "wrong", "new_password1": "another-secret-88", "new_password2": "another-secret-88"},
    )
    assert "old_password" in wrong.context["form"].errors
    right = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "another-secret-88", "new_password2": "another-secret-88"},
    )
    assert right.url == "/accounts/password_change/done/"
    student.refresh_from_db()
    assert student.check_password("another-secret-88")
