import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.services import user_set_blocked

from .factories import PASSWORD

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


def test_password_reset_by_emailed_link(client, student):
    response = client.post("/accounts/password_reset/", {"email": student.email.upper()})
    assert response.url == "/accounts/password_reset/done/"
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


def test_password_reset_for_an_unknown_address_reveals_nothing(client):
    response = client.post("/accounts/password_reset/", {"email": "nobody@school.test"})
    assert response.url == "/accounts/password_reset/done/"
    assert mail.outbox == []


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
