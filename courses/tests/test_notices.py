"""The event functions: who is told, with what, and what is scheduled after the commit."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from accounts.tests.factories import StudentFactory, TeacherFactory
from courses import services as course_services
from courses.tests.factories import CourseFactory, EnrollmentFactory
from courses import notices
from notifications.models import Notification
from notifications.tasks import send_notification_emails

pytestmark = pytest.mark.django_db

Status = Notification.EmailStatus


@pytest.fixture
def course(teacher):
    return CourseFactory(teacher=teacher, title="Algebra <I> & “more”")


def only_row():
    rows = list(Notification.objects.all())
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.parametrize(
    "event,type,to,link",
    [
        (notices.student_enrolled, notices.ENROLLED, "teacher", "roster"),
        (notices.student_unenrolled, notices.UNENROLLED, "teacher", "roster"),
        (notices.student_blocked, notices.BLOCKED, "student", ""),
        (notices.student_added, notices.ADDED, "student", "course"),
        (lambda **kw: notices.feedback_left(rating=4, **kw), notices.FEEDBACK, "teacher", "course"),
    ],
    ids=["enrolled", "unenrolled", "blocked", "added", "feedback"],
)
def test_one_person_events_tell_the_right_person_once(event, type, to, link, course, student, teacher):
    event(course=course, student=student)
    row = only_row()
    assert row.recipient == {"teacher": teacher, "student": student}[to]
    assert row.type == type
    assert row.link == {
        "roster": f"/courses/{course.pk}/roster/",
        "course": f"/courses/{course.pk}/",
        "": "",
    }[link]
    assert not row.is_read
    # User text is stored as typed: escaping is the templates' job, never done twice.
    assert course.title in row.message
    if to == "teacher":
        assert student.display_name in row.title + row.message


def test_feedback_names_the_rating(course, student):
    notices.feedback_left(course=course, student=student, rating=2)
    assert "2 out of 5" in only_row().message


def test_material_tells_every_enrolled_student_in_one_insert(course, django_capture_on_commit_callbacks):
    enrolled = [EnrollmentFactory(course=course).student for _ in range(5)]
    left = EnrollmentFactory(course=course, is_active=False).student
    blocked = StudentFactory()
    course_services.roster_block_student(course=course, student=blocked, blocked_by=course.teacher)
    inactive_account = EnrollmentFactory(course=course, student=StudentFactory(is_active=False)).student
    elsewhere = EnrollmentFactory().student  # another course

    with django_capture_on_commit_callbacks() as callbacks, CaptureQueriesContext(connection) as queries:
        rows = notices.material_uploaded(course=course, title="Week 1 <slides>")
    inserts = [q for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "notifications_notification"')]
    assert len(inserts) == 1
    assert {r.recipient_id for r in rows} == {s.pk for s in enrolled}
    material = Notification.objects.filter(type=notices.MATERIAL)
    assert material.count() == 5
    assert not material.filter(recipient__in=[left, blocked, inactive_account, elsewhere]).exists()
    assert all("“Week 1 <slides>”" in r.message and r.type == notices.MATERIAL for r in rows)
    # After the commit: ONE e-mail task for the whole batch, one push for everyone.
    assert DBTaskResult.objects.count() == 0
    for callback in callbacks:
        callback()
    task = DBTaskResult.objects.get()
    assert task.task_path == send_notification_emails.module_path
    assert sorted(task.args_kwargs["args"][0]) == sorted(r.pk for r in rows)


def test_material_in_an_empty_course_creates_and_schedules_nothing(course, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        assert notices.material_uploaded(course=course, title="Notes") == []
    assert callbacks == [] and Notification.objects.count() == 0


def test_course_deleted_reaches_students_and_survives_the_course(course, teacher, django_capture_on_commit_callbacks):
    students = [EnrollmentFactory(course=course).student for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        # As courses.services calls it: inside the deletion transaction, before delete().
        with transaction.atomic():
            notices.course_deleted(course=course)
            course.delete()
    rows = list(Notification.objects.order_by("recipient_id"))
    assert [r.recipient_id for r in rows] == sorted(s.pk for s in students)
    assert all(r.link == "" and r.type == notices.COURSE_DELETED for r in rows)
    assert all(course.title in r.title and teacher.display_name in r.message for r in rows)


def test_nothing_leaves_before_the_commit_and_a_rollback_sends_nothing(
    course, student, django_capture_on_commit_callbacks, monkeypatch
):
    pushed = []
    monkeypatch.setattr("notifications.delivery.group_send_now", lambda messages: pushed.append(messages))
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notices.student_enrolled(course=course, student=student)
            raise RuntimeError("the enrollment failed after all")
    assert callbacks == [] and Notification.objects.count() == 0

    with django_capture_on_commit_callbacks() as callbacks:
        notices.student_enrolled(course=course, student=student)
    assert pushed == [] and DBTaskResult.objects.count() == 0  # scheduled, not run
    assert len(callbacks) == 2
    for callback in callbacks:
        callback()
    assert DBTaskResult.objects.count() == 1
    assert pushed == [
        {f"user.{course.teacher_id}": {
            "type": "notifications.new", "unread": 1, "title": only_row().title, "link": f"/courses/{course.pk}/roster/"
        }}
    ]


def test_email_state_follows_address_and_choice(course, django_capture_on_commit_callbacks):
    wants = EnrollmentFactory(course=course).student
    no_address = EnrollmentFactory(course=course, student=StudentFactory(email="")).student
    opted_out = EnrollmentFactory(course=course, student=StudentFactory(email_notifications=False)).student
    with django_capture_on_commit_callbacks(execute=True):
        notices.material_uploaded(course=course, title="Notes")
    status = dict(Notification.objects.values_list("recipient_id", "email_status"))
    assert status == {wants.pk: Status.PENDING, no_address.pk: Status.NONE, opted_out.pk: Status.NONE}
    assert DBTaskResult.objects.get().args_kwargs["args"][0] == [
        Notification.objects.get(recipient=wants).pk
    ]


def test_nobody_wants_email_no_task(django_capture_on_commit_callbacks):
    teacher = TeacherFactory(email_notifications=False)
    course = CourseFactory(teacher=teacher)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notices.student_enrolled(course=course, student=StudentFactory())
    assert len(callbacks) == 1  # the live push only
    assert DBTaskResult.objects.count() == 0


def test_a_dead_channel_layer_or_queue_is_logged_and_keeps_the_rows(
    course, student, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    class DeadLayer:
        async def group_send(self, group, message):
            raise ConnectionRefusedError("redis is down")

    def broken_enqueue(*args, **kwargs):
        raise RuntimeError("task table is gone")

    monkeypatch.setattr("elearning.realtime.get_channel_layer", lambda: DeadLayer())
    monkeypatch.setattr("django_tasks_db.backend.DatabaseBackend.enqueue", broken_enqueue)
    with django_capture_on_commit_callbacks(execute=True):
        rows = notices.student_enrolled(course=course, student=student)
    assert Notification.objects.get().pk == rows[0].pk
    assert Notification.objects.get().email_status == Status.PENDING  # the sweep will find it
    messages = [r.getMessage() for r in caplog.records]
    assert any("could not send ['notifications.new']" in m for m in messages)
    assert any("could not queue the e-mails" in m for m in messages)


def test_long_titles_are_cut_to_one_line(teacher):
    course = CourseFactory(teacher=teacher, title="Line one\nline two " + "x" * 180)
    student = StudentFactory(full_name="y" * 150)
    notices.student_enrolled(course=course, student=student)
    row = only_row()
    assert len(row.title) <= 200 and "\n" not in row.title
