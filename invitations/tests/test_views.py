"""The invitations page, the single invite form, resend/revoke, join links."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import PASSWORD, StudentFactory
from courses.models import Enrollment
from courses.tests.factories import CourseBlockFactory, CourseFactory
from invitations.models import Invitation, JoinLink
from notifications.models import Notification

from .factories import InvitationFactory, accept_url

NEW = "/accounts/invitations/new/"
LIST = "/accounts/invitations/"


def test_single_invite_creates_a_pending_invitation(login, teacher, course, django_capture_on_commit_callbacks):
    client = login(teacher)
    form = client.get(NEW)
    assert list(form.context["form"].fields["user_type"].choices) == [("student", "Student")]
    assert list(form.context["form"].fields["course"].queryset) == [course]
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(NEW, {"full_name": "Ada", "email": "ada@P.TEST", "user_type": "student", "course": course.pk})
    assert response.status_code == 302 and response["Location"] == LIST
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.course, invitation.status, invitation.role) == ("ada@p.test", course, "pending", "student")
    assert invitation.expires_at - timezone.now() > timedelta(days=29, hours=23)
    assert len(callbacks) == 1  # the e-mail is queued after commit
    # A second click does not make a second invitation.
    again = client.post(NEW, {"full_name": "Ada", "email": "ADA@p.test", "user_type": "student"})
    assert again.status_code == 200 and "already invited" in again.content.decode().lower()
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"full_name": "", "email": "a@p.test", "user_type": "student"}, "full_name", "required"),
        ({"full_name": "A", "email": "nope", "user_type": "student"}, "email", "valid email"),
        ({"full_name": "A", "email": "a@p.test", "user_type": "teacher"}, "user_type", "valid choice"),
        ({"full_name": "A", "email": "a@p.test", "user_type": "student", "course": "999999"}, "course", "valid choice"),
    ],
)
def test_single_invite_form_errors(login, teacher, data, field, message):
    response = login(teacher).post(NEW, data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Invitation.objects.exists()


def test_a_teacher_cannot_invite_to_another_teachers_course(login, teacher):
    foreign = CourseFactory()
    response = login(teacher).post(NEW, {"full_name": "A", "email": "a@p.test", "user_type": "student", "course": foreign.pk})
    assert "course" in response.context["form"].errors


def test_admins_invite_teachers(login, admin_user):
    login(admin_user).post(NEW, {"full_name": "T", "email": "t@p.test", "user_type": "teacher"})
    assert Invitation.objects.get().role == "teacher"


def test_an_existing_student_is_enrolled_instead_of_invited(login, teacher, course):
    existing = StudentFactory(email="old@p.test")
    client = login(teacher)
    response = client.post(NEW, {"full_name": "Old", "email": "OLD@p.test", "user_type": "student", "course": course.pk})
    assert response.status_code == 302
    assert Enrollment.objects.filter(student=existing, course=course).exists()
    assert not Invitation.objects.exists()
    no_course = client.post(NEW, {"full_name": "Old", "email": "old@p.test", "user_type": "student"})
    assert "already has an account" in no_course.content.decode()


def test_daily_cap(login, teacher, settings):
    settings.INVITATIONS_DAILY_CAP = 1
    client = login(teacher)
    client.post(NEW, {"full_name": "A", "email": "a@p.test", "user_type": "student"})
    response = client.post(NEW, {"full_name": "B", "email": "b@p.test", "user_type": "student"})
    assert "1 invitations a day" in response.content.decode()
    assert Invitation.objects.count() == 1
    resend = client.post(f"/accounts/invitations/{Invitation.objects.get().pk}/resend/", follow=True)
    assert "0 are left for today" in resend.content.decode()


def test_list_shows_status_course_sent_expires_with_filters_and_search(login, teacher, course):
    InvitationFactory(invited_by=teacher, full_name="Pending Pat", course=course)
    InvitationFactory(invited_by=teacher, full_name="Expired Ed", expires_at=timezone.now() - timedelta(days=1))
    InvitationFactory(invited_by=teacher, full_name="Revoked Rae", status="revoked")
    InvitationFactory(full_name="Someone Else's")
    client = login(teacher)
    page = client.get(LIST).content.decode()
    assert "Pending Pat" in page and "Expired Ed" in page and "Revoked Rae" in page
    assert "Someone Else" not in page
    assert "Algebra 7B" in page and "Copy link" in page and "/invite/" in page

    def names(query):
        return [i.full_name for i in client.get(LIST + query).context["invitations"]]

    assert names("?status=expired") == ["Expired Ed"]
    assert names("?status=pending") == ["Pending Pat"]
    assert names(f"?course={course.pk}") == ["Pending Pat"]
    assert names("?q=rae") == ["Revoked Rae"]
    assert names("?course=abc&status=nonsense&page=1") == ["Revoked Rae", "Expired Ed", "Pending Pat"]
    assert names("?course=%C2%B2") == ["Revoked Rae", "Expired Ed", "Pending Pat"]  # "²" is no id


def test_list_is_paginated_with_a_flat_query_count(login, teacher, course, django_assert_max_num_queries):
    InvitationFactory.create_batch(30, invited_by=teacher, course=course)
    client = login(teacher)
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert len(response.context["invitations"]) == 25
    assert len(client.get(LIST + "?page=2").context["invitations"]) == 5
    assert client.get(LIST + "?page=999").context["page_obj"].number == 2  # the nearest page, as every list


def test_resend_rotates_the_link_and_the_expiry(login, teacher, client):
    invitation = InvitationFactory(invited_by=teacher, expires_at=timezone.now() - timedelta(days=1))
    old = accept_url(invitation)
    response = login(teacher).post(f"/accounts/invitations/{invitation.pk}/resend/")
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.is_open and invitation.email_status == "pending"
    assert client.get(old).status_code == 404
    assert client.get(accept_url(invitation)).status_code == 200


def test_revoke_kills_the_link(login, teacher, client):
    invitation = InvitationFactory(invited_by=teacher)
    login(teacher).post(f"/accounts/invitations/{invitation.pk}/revoke/")
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    assert client.get(accept_url(invitation)).status_code == 404


def test_only_the_inviter_resends_or_revokes(login, other_teacher, teacher):
    invitation = InvitationFactory(invited_by=teacher)
    for action in ("resend", "revoke"):
        assert login(other_teacher).post(f"/accounts/invitations/{invitation.pk}/{action}/").status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_accepting_notifies_the_inviter_with_a_link_to_the_list(client, teacher, course):
    invitation = InvitationFactory(invited_by=teacher, course=course, full_name="Nia")
    client.post(accept_url(invitation), {"username": "nia", "password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9"})
    notice = Notification.objects.get(type="invitation_accepted")
    assert notice.recipient == teacher and notice.link.startswith(LIST)


def test_teacher_dashboard_and_navbar_link_to_invitations(login, teacher):
    page = login(teacher).get("/").content.decode()
    assert 'href="/accounts/invitations/bulk/"' in page and 'href="/accounts/invitations/"' in page


# --- Join links -----------------------------------------------------------------------------


def test_join_link_on_reset_off(login, teacher, course, student):
    client = login(teacher)
    client.post(f"/accounts/invitations/join-links/{course.pk}/enable/")
    link = JoinLink.objects.get(course=course)
    assert link.is_active and len(link.code) == 8
    assert link.code in client.get("/accounts/invitations/join-links/").content.decode()
    old = link.code
    client.post(f"/accounts/invitations/join-links/{course.pk}/reset/")
    link.refresh_from_db()
    assert link.code != old
    assert login(student).get(f"/join/{old}/").status_code == 404
    client.post(f"/accounts/invitations/join-links/{course.pk}/disable/")
    assert login(student).get(f"/join/{link.code}/").status_code == 404


def test_a_signed_in_student_joins_and_a_blocked_one_cannot(login, teacher, course, student):
    link = JoinLink.objects.create(course=course, code="ABCD2345")
    client = login(student)
    assert "Join the course" in client.get("/join/abcd2345/").content.decode()  # codes ignore case
    response = client.post("/join/ABCD2345/")
    assert response.status_code == 302 and response["Location"] == course.get_absolute_url()
    assert Enrollment.objects.filter(student=student, course=course, is_active=True).exists()
    blocked = StudentFactory()
    CourseBlockFactory(course=course, student=blocked)
    refused = login(blocked).post(f"/join/{link.code}/")
    assert refused.status_code == 403 and "blocked" in refused.content.decode()
    assert not Enrollment.objects.filter(student=blocked).exists()


def test_a_visitor_signs_up_and_lands_in_the_course(client, course):
    JoinLink.objects.create(course=course, code="JOINME22")
    page = client.get("/join/JOINME22/").content.decode()
    assert "Sign up and join" in page
    signup = f"/accounts/signup/student/?next={course.get_absolute_url()}"
    response = client.post(signup, {"username": "newbie", "email": "newbie@p.test", "password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9"})
    assert response.status_code == 302 and response["Location"] == course.get_absolute_url()
    assert Enrollment.objects.filter(student__username="newbie", course=course, is_active=True).exists()


def test_a_visitor_who_logs_in_lands_in_the_course(client, course, student):
    JoinLink.objects.create(course=course, code="JOINME33")
    client.get("/join/JOINME33/")
    response = client.post(f"/accounts/login/?next={course.get_absolute_url()}", {"username": student.username, "password": PASSWORD})
    assert response["Location"] == course.get_absolute_url()
    assert Enrollment.objects.filter(student=student, course=course).exists()


def test_join_links_of_another_teachers_course_are_refused(login, other_teacher, course):
    assert login(other_teacher).post(f"/accounts/invitations/join-links/{course.pk}/enable/").status_code == 403
    assert not JoinLink.objects.exists()


def test_a_typed_code_leads_to_its_join_page(login, student, course):
    JoinLink.objects.create(course=course, code="TYPED234")
    client = login(student)
    assert "Have a class code?" in client.get("/").content.decode()
    assert client.get("/join/?code=typed-234").url == "/join/TYPED234/"
    assert "Join the course" in client.get("/join/TYPED234/").content.decode()
    assert client.get("/join/?code=%00%FF").status_code == 200  # nothing usable: the form again


def test_guessing_join_codes_is_stopped_for_the_hour(client, course, settings):
    settings.JOIN_CODE_MISSES_PER_HOUR = 3
    # An address of its own: the refusal lasts the hour in a cache other tests (and, on Redis,
    # the other worker and its live servers) share, where they all come from 127.0.0.1.
    hex_ = uuid.uuid4().hex
    guesser = f"2001:db8::{hex_[:4]}:{hex_[4:8]}"
    JoinLink.objects.create(course=course, code="RIGHT234")
    assert [client.get(f"/join/WRONG{n}/", REMOTE_ADDR=guesser).status_code for n in range(4)] == [404] * 4
    refused = client.get("/join/RIGHT234/", REMOTE_ADDR=guesser)  # the right code no longer tells anything
    assert refused.status_code == 429 and "Too many wrong codes" in refused.content.decode()
    assert client.get("/join/RIGHT234/").status_code == 200  # other addresses are not refused


def test_a_typed_get_of_an_action_shows_its_button_and_changes_nothing(login, teacher):
    invitation = InvitationFactory(invited_by=teacher)
    response = login(teacher).get(f"/accounts/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 405 and ">Revoke</button>" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == "pending"
