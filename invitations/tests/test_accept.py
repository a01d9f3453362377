"""The public accept page /invite/<token>/."""

import threading
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from accounts.tests.factories import PASSWORD, StudentFactory
from courses.models import Enrollment
from courses.tests.factories import CourseBlockFactory
from invitations.models import Invitation
from notifications.models import Notification

from .factories import InvitationFactory, accept_url, token_of

NEW = {"username": "ada_l", "password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9"}


@pytest.fixture
def invitation(teacher, course):
    return InvitationFactory(invited_by=teacher, course=course, email="ada@pupils.test", full_name="Ada Lovelace")


def test_a_new_person_signs_up_lands_signed_in_and_enrolled(client, invitation, course, teacher):
    page = client.get(accept_url(invitation))
    assert page.status_code == 200
    html = page.content.decode()
    assert "ada@pupils.test" in html and "Algebra 7B" in html and 'name="password1"' in html
    assert 'name="email"' not in html  # fixed by the invitation

    response = client.post(accept_url(invitation), {**NEW, "email": "evil@x.test"})

    assert response.status_code == 302 and response["Location"] == course.get_absolute_url()
    user = User.objects.get(username="ada_l")
    assert (user.email, user.role, user.full_name) == ("ada@pupils.test", "student", "Ada Lovelace")
    assert Enrollment.objects.filter(student=user, course=course, is_active=True).exists()
    invitation.refresh_from_db()
    assert (invitation.status, invitation.accepted_by) == ("accepted", user)
    assert client.get("/").context["user"] == user  # signed in
    notice = Notification.objects.get(recipient=teacher, type="invitation_accepted")
    assert "Ada Lovelace" in notice.title
    # The link is used up.
    assert Client().get(accept_url(invitation)).status_code == 404


def test_the_role_comes_from_the_invitation(client, admin_user):
    invitation = InvitationFactory(invited_by=admin_user, role="teacher", email="t@pupils.test")
    client.post(accept_url(invitation), NEW)
    assert User.objects.get(username="ada_l").role == "teacher"


def test_form_errors_keep_the_invitation_open(client, invitation, student):
    response = client.post(accept_url(invitation), {**NEW, "username": student.username.upper(), "password2": "x"})
    assert response.status_code == 400
    assert response.context["form"].errors.keys() >= {"username", "password2"}
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    assert not User.objects.filter(email="ada@pupils.test").exists()


def test_an_existing_account_is_asked_to_sign_in_then_enrolled(client, teacher, course):
    existing = StudentFactory(username="ada_old", email="ada@pupils.test")
    invitation = InvitationFactory(invited_by=teacher, course=course, email="ADA@pupils.test")
    page = client.get(accept_url(invitation))
    assert page.status_code == 200 and "already exists" in page.content.decode()
    assert 'name="password1"' not in page.content.decode()
    # A POST with a new account is refused too: never a second account for one address.
    client.post(accept_url(invitation), NEW)
    assert User.objects.filter(email__iexact="ada@pupils.test").count() == 1

    login = client.post(f"/accounts/login/?next={accept_url(invitation)}", {"username": "ada_old", "password": PASSWORD})
    assert login.status_code == 302 and login["Location"] == accept_url(invitation)
    assert "Accept and join the course" in client.get(accept_url(invitation)).content.decode()
    response = client.post(accept_url(invitation))
    assert response.status_code == 302 and response["Location"] == course.get_absolute_url()
    assert Enrollment.objects.filter(student=existing, course=course, is_active=True).exists()
    invitation.refresh_from_db()
    assert (invitation.status, invitation.accepted_by) == ("accepted", existing)


def test_signed_in_as_someone_else_is_told_to_log_out(login, invitation, student):
    response = login(student).post(accept_url(invitation))
    assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_a_blocked_student_accepts_but_is_not_enrolled(client, teacher, course):
    existing = StudentFactory(email="blk@pupils.test")
    CourseBlockFactory(course=course, student=existing)
    invitation = InvitationFactory(invited_by=teacher, course=course, email="blk@pupils.test")
    client.force_login(existing)
    response = client.post(accept_url(invitation), follow=True)
    assert "blocked" in response.content.decode()
    assert not Enrollment.objects.filter(student=existing, course=course).exists()


def _invalid_page(response) -> str:
    assert response.status_code == 404
    return response.content.decode()


def test_expired_revoked_used_and_unknown_links_get_one_identical_page(client, teacher):
    expired = InvitationFactory(invited_by=teacher, expires_at=timezone.now() - timedelta(seconds=1))
    revoked = InvitationFactory(invited_by=teacher, status="revoked")
    used = InvitationFactory(invited_by=teacher, status="accepted", accepted_at=timezone.now())
    pages = {
        "expired": _invalid_page(client.get(accept_url(expired))),
        "revoked": _invalid_page(client.get(accept_url(revoked))),
        "used": _invalid_page(client.get(accept_url(used))),
        "unknown": _invalid_page(client.get("/invite/" + "A" * 43 + "/")),
        "garbage": _invalid_page(client.get("/invite/%F0%9F%92%A9" + "x" * 300 + "/")),
    }
    assert len(set(pages.values())) == 1, "the pages must not tell the cases apart"
    assert "not valid" in pages["expired"]
    users = User.objects.count()
    for invitation in (expired, revoked, used):
        assert client.post(accept_url(invitation), NEW).status_code == 404
    assert User.objects.count() == users


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_accepts_make_one_account(teacher, course):
    invitation = InvitationFactory(invited_by=teacher, course=course, email="race@pupils.test")
    url = accept_url(invitation)
    barrier = threading.Barrier(20)
    statuses = []

    def accept(n):
        client = Client()
        barrier.wait()
        response = client.post(url, {**NEW, "username": f"racer{n}"})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=accept, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert User.objects.filter(email__iexact="race@pupils.test").count() == 1
    # The others see the one "not valid" page, or (if the winner's account already exists when
    # they look) the page asking them to sign in with it.
    assert sorted(statuses).count(302) == 1 and set(statuses) <= {200, 302, 404}
    assert Enrollment.objects.filter(course=course).count() == 1
    invitation.refresh_from_db()
    assert invitation.status == "accepted" and invitation.accepted_by.email == "race@pupils.test"
    assert Notification.objects.filter(type="invitation_accepted").count() == 1
    # The notification e-mail task is committed: take it off the queue before the flush, so a
    # live server's worker (session-wide) is not left running a task whose row vanishes.
    DBTaskResult.objects.filter(status="READY").delete()


def test_token_is_at_least_128_bits_and_only_its_hash_is_stored(invitation):
    token = token_of(invitation)
    assert len(token) >= 22  # 22 base64 characters are 132 bits
    stored = " ".join(str(v) for v in Invitation.objects.filter(pk=invitation.pk).values().first().values())
    assert token not in stored
