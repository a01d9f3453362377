"""Notification e-mails through a real SMTP server (aiosmtpd on loopback)."""

import logging
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.tests.factories import StudentFactory
from courses.tests.factories import CourseFactory, EnrollmentFactory
from elearning.testing.smtp import body_text, free_port
from courses import notices
from notifications.models import Notification
from notifications.tasks import send_notification_emails
from notifications.tests.factories import NotificationFactory

Status = Notification.EmailStatus
SMTP = "django.core.mail.backends.smtp.EmailBackend"
SITE = "https://school.example"


@pytest.fixture
def smtp_settings(mailbox, settings):
    settings.EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = mailbox.port
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = SITE
    return settings


@pytest.fixture
def smtp_down(smtp_settings):
    smtp_settings.EMAIL_PORT = free_port()  # nothing listens there
    return smtp_settings


def queued_tasks():
    return list(DBTaskResult.objects.order_by("enqueued_at"))


def run(task_result: DBTaskResult):
    """Run one queued task the way the worker does: its function with its stored arguments."""
    payload = task_result.args_kwargs
    return send_notification_emails.call(*payload["args"], **payload["kwargs"])


def material_event(django_capture_on_commit_callbacks, course, title="Week 1 <slides> & notes"):
    with django_capture_on_commit_callbacks(execute=True):
        return notices.material_uploaded(course=course, title=title)


@pytest.mark.django_db
def test_a_batch_goes_out_over_one_smtp_connection(smtp_settings, mailbox, django_capture_on_commit_callbacks):
    course = CourseFactory(title="Algebra <I>")
    wanting = [EnrollmentFactory(course=course).student for _ in range(3)]
    EnrollmentFactory(course=course, student=StudentFactory(email=""))
    EnrollmentFactory(course=course, student=StudentFactory(email_notifications=False))
    material_event(django_capture_on_commit_callbacks, course)
    [task] = queued_tasks()

    assert run(task) == {"sent": 3, "failed": 0, "retry": 0, "skipped": 0}

    messages = mailbox.wait_for(3)
    assert mailbox.connections == 1
    assert sorted(m["To"] for m in messages) == sorted(s.email for s in wanting)
    message = messages[0]
    assert message["Subject"] == "[eLearning] New material in Algebra <I>"
    text = body_text(message)
    assert "“Week 1 <slides> & notes” was added to the course “Algebra <I>”." in text
    assert f"{SITE}/courses/{course.pk}/" in text  # a full link: the worker has no request
    assert f"{SITE}/accounts/profile/" in text  # where to turn these e-mails off
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Week 1 &lt;slides&gt; &amp; notes" in html and "<slides>" not in html
    rows = Notification.objects.filter(recipient__in=wanting)
    assert {(r.email_status, r.email_attempts) for r in rows} == {(Status.SENT, 1)}
    assert all(r.emailed_at for r in rows)
    others = Notification.objects.exclude(recipient__in=wanting)
    assert set(others.values_list("email_status", flat=True)) == {Status.NONE}


@pytest.mark.django_db
def test_turning_email_off_after_the_event_is_respected(smtp_settings, mailbox, django_capture_on_commit_callbacks):
    course = CourseFactory()
    student = EnrollmentFactory(course=course).student
    material_event(django_capture_on_commit_callbacks, course)
    student.email_notifications = False
    student.save()

    assert run(queued_tasks()[0]) == {"sent": 0, "failed": 0, "retry": 0, "skipped": 1}
    assert mailbox.messages == [] and mailbox.connections == 0
    assert Notification.objects.get().email_status == Status.NONE


@pytest.mark.django_db
def test_smtp_down_keeps_the_notification_retries_with_backoff_then_fails(
    smtp_down, mailbox, django_capture_on_commit_callbacks, caplog
):
    course = CourseFactory()
    student = EnrollmentFactory(course=course).student
    material_event(django_capture_on_commit_callbacks, course)
    row = Notification.objects.get()
    delays = smtp_down.NOTIFICATION_EMAIL_RETRY_DELAYS
    caplog.set_level(logging.WARNING, logger="notifications")

    for attempt, delay in enumerate(delays, start=1):
        task = queued_tasks()[-1]
        before = timezone.now()
        assert run(task)["retry"] == 1
        row.refresh_from_db()
        assert (row.email_status, row.email_attempts) == (Status.PENDING, attempt)
        assert "refused" in row.email_error.lower() or "connect" in row.email_error.lower()
        retry = queued_tasks()[-1]
        assert retry.pk != task.pk
        assert retry.args_kwargs == {"args": [[row.pk]], "kwargs": {"attempt": attempt + 1}}
        # Not before its delay: the worker leaves it alone until then.
        assert retry.run_after >= before + timedelta(seconds=delay)
        assert row.email_retry_at == retry.run_after
        assert f"failed (attempt {attempt}), retrying in {delay}s" in caplog.text

    assert run(queued_tasks()[-1]) == {"sent": 0, "failed": 1, "retry": 0, "skipped": 0}
    row.refresh_from_db()
    assert (row.email_status, row.email_attempts) == (Status.FAILED, len(delays) + 1)
    assert "giving up e-mailing notifications" in caplog.text
    assert len(queued_tasks()) == len(delays) + 1  # no more retries
    # The in-app notification is there all along, unread.
    assert Notification.objects.filter(recipient=student, is_read=False).count() == 1
    assert mailbox.messages == []


@pytest.mark.django_db
def test_a_retry_after_the_server_is_back_sends(smtp_down, mailbox, django_capture_on_commit_callbacks):
    course = CourseFactory()
    EnrollmentFactory(course=course)
    material_event(django_capture_on_commit_callbacks, course)
    run(queued_tasks()[0])
    smtp_down.EMAIL_PORT = mailbox.port  # the server is back

    assert run(queued_tasks()[-1])["sent"] == 1
    assert len(mailbox.wait_for(1)) == 1
    row = Notification.objects.get()
    assert (row.email_status, row.email_attempts, row.email_retry_at) == (Status.SENT, 2, None)
    # Running the same task twice (a worker that died after sending) sends nothing twice.
    assert run(queued_tasks()[-1])["sent"] == 0


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_sends_what_an_event_queued(smtp_settings, mailbox):
    teacher_course = CourseFactory()
    student = StudentFactory()
    # Autocommit, as in a request: on_commit runs at once and queues the task in the database.
    notices.student_enrolled(course=teacher_course, student=student)
    assert DBTaskResult.objects.count() == 1

    call_command("db_worker", "--batch", "--no-startup-delay", "--interval=0", verbosity=0)

    [message] = mailbox.wait_for(1)
    assert message["To"] == teacher_course.teacher.email
    assert student.display_name in message["Subject"]
    # The session's live site (if a test started it) runs a worker on this queue too, and may
    # have taken the task first: the mail is out, its "done" mark may be a moment behind.
    deadline = time.monotonic() + 10
    while DBTaskResult.objects.get().status != "SUCCESSFUL" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert Notification.objects.get().email_status == Status.SENT


@pytest.mark.django_db
def test_stale_pending_emails_are_queued_again(settings):
    old = NotificationFactory(email_status=Status.PENDING)
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=2))
    NotificationFactory(email_status=Status.PENDING)  # just made: its task is on its way
    waiting = NotificationFactory(email_status=Status.PENDING, email_retry_at=timezone.now() + timedelta(minutes=5))
    Notification.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(hours=2))
    NotificationFactory(email_status=Status.SENT)

    call_command("notification_emails", "--older-than=60", verbosity=0)

    [task] = queued_tasks()
    assert task.args_kwargs["args"] == [[old.pk]]
