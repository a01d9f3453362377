"""Invitation e-mails through a real SMTP server (aiosmtpd on loopback)."""

import re

import pytest
from django_tasks_db.models import DBTaskResult

from elearning.testing.smtp import body_text, free_port
from invitations import services
from invitations.models import Invitation
from invitations.tasks import send_invitation_emails

SITE = "https://school.example"
Status = Invitation.EmailStatus
pytestmark = pytest.mark.usefixtures("on_commit_now")


def queued():
    return list(DBTaskResult.objects.filter(task_path__startswith="invitations.").order_by("enqueued_at"))


def run_queued():
    """Run every queued task once, the way the worker does; returns their results."""
    results = []
    for task in queued():
        if task.status == "READY":
            payload = task.args_kwargs
            results.append(send_invitation_emails.call(*payload["args"], **payload["kwargs"]))
            task.delete()
    return results


def link_in(message) -> str:
    return re.search(rf"{SITE}/invite/[A-Za-z0-9_-]+/", body_text(message)).group(0)


@pytest.mark.django_db
def test_one_invitation_is_mailed_after_commit_with_link_course_and_expiry(smtp_settings, mailbox, teacher, course, client):
    _action, invitation = services.invitation_invite(
        invited_by=teacher, email="Ada@Pupils.TEST", full_name="Ada <Lovelace>", role="student", course=course
    )
    assert run_queued() == [{"sent": 1, "failed": 0, "retry": 0}]
    [message] = mailbox.wait_for(1)
    assert message["To"] == "Ada@pupils.test"
    assert message["Subject"] == "Tom Teacher invited you to Algebra 7B on eLearning"
    assert message.get_body(preferencelist=("html",)) is not None  # multipart: text + HTML
    text = body_text(message)
    assert "Hello Ada <Lovelace>," in text
    assert invitation.expires_at.strftime("%-d %B %Y") in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Ada &lt;Lovelace&gt;" in html and "<Lovelace>" not in html
    link = link_in(message)
    invitation.refresh_from_db()
    assert (invitation.email_status, invitation.times_sent) == (Status.SENT, 1)
    assert invitation.last_sent_at is not None
    # The token is nowhere in the database: only a hash of it.
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 43 and token not in repr(list(Invitation.objects.values()))
    assert client.get(link.replace(SITE, "")).status_code == 200


@pytest.mark.django_db
def test_resend_mails_a_new_link_and_the_old_one_dies(smtp_settings, mailbox, teacher, client):
    _action, invitation = services.invitation_invite(
        invited_by=teacher, email="bo@pupils.test", full_name="Bo", role="student"
    )
    run_queued()
    old = link_in(mailbox.wait_for(1)[0]).replace(SITE, "")
    services.invitation_resend(invitation=invitation)
    run_queued()
    new = link_in(mailbox.wait_for(2)[1]).replace(SITE, "")
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    invitation.refresh_from_db()
    assert invitation.times_sent == 2


@pytest.mark.django_db
def test_smtp_down_keeps_invitations_pending_and_retries_until_sent(smtp_settings, mailbox, teacher):
    for n in range(3):
        services.invitation_invite(invited_by=teacher, email=f"p{n}@pupils.test", full_name=f"P{n}", role="student")
    ids = list(Invitation.objects.values_list("pk", flat=True))
    assert len(queued()) == 3  # one task per invite (a bulk import batches them)
    real_port = smtp_settings.EMAIL_PORT
    smtp_settings.EMAIL_PORT = free_port()  # nothing listens there: the server is down
    assert run_queued() == [{"sent": 0, "failed": 0, "retry": 1}] * 3
    rows = Invitation.objects.filter(pk__in=ids)
    assert {(r.status, r.email_status, r.email_attempts) for r in rows} == {("pending", "pending", 1)}
    assert all(r.email_error for r in rows)
    retries = queued()
    assert len(retries) == 3
    assert all(r.run_after is not None and r.args_kwargs["kwargs"]["attempt"] == 2 for r in retries)
    smtp_settings.EMAIL_PORT = real_port  # the server is back
    assert run_queued() == [{"sent": 1, "failed": 0, "retry": 0}] * 3
    assert len(mailbox.wait_for(3)) == 3
    assert set(Invitation.objects.values_list("email_status", flat=True)) == {"sent"}


@pytest.mark.django_db
def test_after_the_last_retry_the_email_is_failed_but_the_invitation_still_open(smtp_settings, teacher, client):
    smtp_settings.INVITATION_EMAIL_RETRY_DELAYS = [0]
    smtp_settings.EMAIL_PORT = free_port()
    _action, invitation = services.invitation_invite(
        invited_by=teacher, email="cy@pupils.test", full_name="Cy", role="student"
    )
    run_queued()
    assert run_queued() == [{"sent": 0, "failed": 1, "retry": 0}]
    invitation.refresh_from_db()
    assert (invitation.status, invitation.email_status) == ("pending", "failed")
    teacher_client = client
    teacher_client.force_login(teacher)
    page = teacher_client.get("/accounts/invitations/").content.decode()
    assert "e-mail not delivered" in page and "/invite/" in page  # the teacher can copy the link


@pytest.mark.django_db
def test_a_pending_email_without_a_task_is_queued_again(smtp_settings, mailbox, teacher):
    from datetime import timedelta

    from django.core.management import call_command

    services.invitation_invite(invited_by=teacher, email="dd@pupils.test", full_name="Dd", role="student")
    DBTaskResult.objects.all().delete()  # the queue lost it (a killed worker)
    Invitation.objects.update(created_at=Invitation.objects.get().created_at - timedelta(hours=2))
    from invitations.models import ImportBatch

    stale = ImportBatch.objects.create(created_by=teacher, source="old.csv", rows=[])
    ImportBatch.objects.filter(pk=stale.pk).update(created_at=stale.created_at - timedelta(days=3))
    fresh = ImportBatch.objects.create(created_by=teacher, source="new.csv", rows=[])
    call_command("invitation_emails", "--older-than", "60")
    assert run_queued() == [{"sent": 1, "failed": 0, "retry": 0}]
    assert list(ImportBatch.objects.all()) == [fresh]  # the stale preview is gone


@pytest.mark.django_db
def test_a_thousand_invitations_reach_the_smtp_server_in_batches(smtp_settings, mailbox, teacher, course):
    smtp_settings.INVITATIONS_DAILY_CAP = 1000
    from invitations.importing import parse_file

    from . import files

    parsed = parse_file(files.csv_text([files.HEADER, *files.rows(1000, course="MATH-7B")]).encode())
    batch = services.import_preview(user=teacher, parsed=parsed, source="big.csv")
    services.import_confirm(batch=batch, user=teacher)
    assert len(queued()) == 10  # 100 invitations per task
    assert run_queued() == [{"sent": 100, "failed": 0, "retry": 0}] * 10
    messages = mailbox.wait_for(1000, timeout=60)
    assert len(messages) == 1000 and mailbox.connections == 10
    assert len({m["To"] for m in messages}) == 1000
    links = {link_in(m) for m in messages}
    assert len(links) == 1000  # every person their own link
    assert set(Invitation.objects.values_list("email_status", "times_sent")) == {("sent", 1)}
