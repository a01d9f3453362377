"""Inviting a class: upload, preview, confirm, progress, report."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings as hsettings
from hypothesis import strategies as st

from accounts.tests.factories import StudentFactory, TeacherFactory
from courses.models import Enrollment
from courses.tests.factories import CourseBlockFactory, CourseFactory, EnrollmentFactory
from invitations.models import ImportBatch, Invitation
from invitations.tests.test_emails import run_queued

from . import files
from .factories import InvitationFactory

BULK = "/accounts/invitations/bulk/"


def upload(client, data: bytes, name="class.csv", **extra):
    return client.post(BULK, {"file": SimpleUploadedFile(name, data), **extra})


def preview_rows(response):
    return {row["line"]: row for row in response.context["rows"]}


@pytest.fixture
def messy(teacher, course):
    """A class list as Excel in a German locale saves it, with every kind of row."""
    StudentFactory(username="known", email="known@pupils.test")  # has an account: will enroll
    enrolled = EnrollmentFactory(course=course, student=StudentFactory(email="in@pupils.test")).student
    CourseBlockFactory(course=course, student=StudentFactory(email="blocked@pupils.test"))
    TeacherFactory(email="teach@pupils.test")
    InvitationFactory(invited_by=teacher, email="pending@pupils.test")
    CourseFactory(code="OTHER-1")  # another teacher's course
    table = [
        [" E-Mail ", "Full Name", "User Type", "Course Code"],
        ["zoe@pupils.test", "Zoë Ångström", "student", "math-7b"],  # 2 invite (code case)
        ["known@pupils.test", "Known Kid", "Student", "MATH-7B"],  # 3 enroll existing
        ["ZOE@pupils.test", "Zoë again", "student", ""],  # 4 duplicate in file
        ["pending@pupils.test", "Pen Ding", "student", ""],  # 5 already invited
        ["in@pupils.test", "In Already", "student", "MATH-7B"],  # 6 already enrolled
        ["not-an-address", "Bad Mail", "student", ""],  # 7 error
        ["x@pupils.test", "", "student", ""],  # 8 missing name
        ["y@pupils.test", "Why", "wizard", ""],  # 9 unknown role
        ["t@pupils.test", "Tea Cher", "teacher", ""],  # 10 teachers may not invite teachers
        ["c@pupils.test", "Cee", "student", "OTHER-1"],  # 11 not your course
        ["blocked@pupils.test", "Blo Cked", "student", "MATH-7B"],  # 12 blocked
        ["teach@pupils.test", "A Teacher", "student", "MATH-7B"],  # 13 teacher account
        ["plain@pupils.test", "Plain Person", "student", ""],  # 14 invite, no course
    ]
    data = files.csv_text(table, delimiter=";", newline="\r\n").encode("cp1252", "replace")
    return data, enrolled


EXPECTED = {
    2: "invite", 3: "enroll", 4: "skip", 5: "skip", 6: "skip", 7: "error", 8: "error", 9: "error",
    10: "error", 11: "error", 12: "error", 13: "error", 14: "invite",
}


@pytest.mark.django_db
def test_upload_preview_confirm_send_report(login, teacher, course, messy, smtp_settings, mailbox, on_commit_now):
    data, _enrolled = messy
    client = login(teacher)
    invitations_before = Invitation.objects.count()

    response = upload(client, data, name="Klasse 7b.csv")
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    preview = client.get(batch.get_absolute_url())
    rows = preview_rows(preview)
    assert {line: row["action"] for line, row in rows.items()} == EXPECTED
    assert preview.context["totals"] == {"invite": 2, "enroll": 1, "skip": 3, "error": 7}
    assert "Duplicate of line 2" in rows[4]["reason"]
    assert "Already invited" in rows[5]["reason"]
    assert "not a valid e-mail" in rows[7]["reason"]
    assert "name is missing" in rows[8]["reason"]
    assert "Unknown user type" in rows[9]["reason"]
    assert "students only" in rows[10]["reason"]
    assert "No course of yours" in rows[11]["reason"]
    assert "blocked" in rows[12]["reason"]
    assert "teacher account" in rows[13]["reason"]
    assert "Windows-1252" in preview.content.decode() and "semicolon" in preview.content.decode()
    # Nothing is written before confirm.
    assert Invitation.objects.count() == invitations_before
    assert not Enrollment.objects.filter(student__username="known").exists()
    assert not mailbox.messages

    confirm = client.post(f"{batch.get_absolute_url()}confirm/")
    assert confirm.status_code == 302
    assert client.post(f"{batch.get_absolute_url()}confirm/").status_code == 302  # a double click
    created = Invitation.objects.filter(import_batch=batch)
    assert sorted(created.values_list("email", flat=True)) == ["plain@pupils.test", "zoe@pupils.test"]
    assert created.get(email="zoe@pupils.test").course == course
    assert Enrollment.objects.filter(student__username="known", course=course, is_active=True).exists()

    progress = client.get(f"{batch.get_absolute_url()}progress/").json()
    assert (progress["total"], progress["sent"], progress["done"]) == (2, 0, False)
    page = client.get(batch.get_absolute_url()).content.decode()
    assert 'role="progressbar"' in page and "0 of 2 e-mails sent" in page
    assert 'http-equiv="refresh"' in page  # without JavaScript the page refreshes itself

    run_queued()  # the worker: ONE task for the whole import
    assert len(mailbox.wait_for(2)) == 2 and mailbox.connections == 1
    progress = client.get(f"{batch.get_absolute_url()}progress/").json()
    assert (progress["sent"], progress["percent"], progress["done"]) == (2, 100, True)

    report = client.get(f"{batch.get_absolute_url()}report.csv")
    assert report["Content-Type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert [(r["line"], r["result"]) for r in lines][:3] == [("2", "invited"), ("3", "enrolled"), ("4", "skipped")]
    assert lines[0]["email_status"] == "sent"
    assert "name is missing" in lines[6]["detail"]


def test_xlsx_and_utf16_upload(login, teacher, course):
    client = login(teacher)
    table = [files.HEADER, *files.rows(3, course="MATH-7B")]
    for data, name in ((files.xlsx(table), "class.xlsx"), (files.utf16_tabs(table), "class.txt")):
        response = upload(client, data, name=name)
        assert response.status_code == 302
        preview = client.get(response["Location"])
        assert preview.context["totals"]["invite"] == 3


def test_pasted_list_takes_role_and_course_from_the_form(login, teacher, course):
    client = login(teacher)
    response = client.post(BULK, {"pasted": "Ada <ada@p.test>\nbob@p.test\nCy, cy@p.test\n", "user_type": "student", "course": course.pk})
    assert response.status_code == 302
    rows = preview_rows(client.get(response["Location"]))
    assert [(r["full_name"], r["email"], r["course_code"], r["action"]) for r in rows.values()] == [
        ("Ada", "ada@p.test", "MATH-7B", "invite"),
        ("", "bob@p.test", "MATH-7B", "invite"),
        ("Cy", "cy@p.test", "MATH-7B", "invite"),
    ]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "The submitted file is empty"),
        (b"\x00\x01\x02binary\xff" * 50, "neither a spreadsheet"),
        (b"Vorname;Adresse\nA;a@b.c\n", "Expected: full_name, email, user_type"),
    ],
)
def test_a_bad_file_gets_a_clear_error_and_nothing_is_kept(login, teacher, data, message):
    response = upload(login(teacher), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_5001_rows_are_refused_clearly(login, teacher):
    data = files.csv_text([files.HEADER, *files.rows(5001)]).encode()
    response = upload(login(teacher), data)
    assert response.status_code == 400
    assert "more than 5,000 people" in response.content.decode()


def test_the_daily_cap_refuses_the_whole_confirm(login, teacher, settings):
    settings.INVITATIONS_DAILY_CAP = 2
    client = login(teacher)
    upload(client, files.csv_text([files.HEADER, *files.rows(3)]).encode())
    batch = ImportBatch.objects.get()
    assert "only 2 more invitations" in client.get(batch.get_absolute_url()).content.decode()
    response = client.post(f"{batch.get_absolute_url()}confirm/", follow=True)
    assert "2 are left for today and this needs 3" in response.content.decode()
    assert not Invitation.objects.exists()
    batch.refresh_from_db()
    assert batch.status == "preview"  # the refusal rolled everything back


def test_teachers_may_invite_teachers_when_the_site_allows_it(login, teacher, settings):
    settings.INVITATIONS_TEACHERS_INVITE_TEACHERS = True
    client = login(teacher)
    upload(client, b"full_name,email,user_type\nTea,tea@p.test,teacher\n")
    assert client.get(ImportBatch.objects.get().get_absolute_url()).context["totals"]["invite"] == 1


def test_another_teachers_import_is_forbidden(login, teacher, other_teacher, student):
    upload(login(teacher), b"full_name,email,user_type\nA,a@p.test,student\n")
    batch = ImportBatch.objects.get()
    for path in ("", "progress/", "report.csv"):
        assert login(other_teacher).get(f"{batch.get_absolute_url()}{path}").status_code == 403
    assert login(other_teacher).post(f"{batch.get_absolute_url()}confirm/").status_code == 403
    assert login(student).get(batch.get_absolute_url()).status_code == 403
    assert not Invitation.objects.exists()


def test_templates_download(login, teacher):
    client = login(teacher)
    xlsx = client.get(f"{BULK}template.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:4] == b"PK\x03\x04"
    text = client.get(f"{BULK}template.csv").content.decode("utf-8-sig")
    assert text.startswith("full_name,email,user_type,course_code")


def test_the_preview_of_5000_rows_takes_a_fixed_number_of_queries(login, teacher, course, django_assert_max_num_queries):
    client = login(teacher)
    upload(client, files.csv_text([files.HEADER, *files.rows(5000, course="MATH-7B")]).encode())
    batch = ImportBatch.objects.get()
    with django_assert_max_num_queries(30):
        response = client.get(batch.get_absolute_url())
    assert response.context["totals"]["invite"] == 5000
    assert len(response.context["rows"]) == 250  # paginated


@pytest.mark.django_db
@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.binary(max_size=2048))
def test_any_uploaded_bytes_give_a_preview_or_a_clear_error_never_a_500(teacher, data):
    from conftest import client_for

    client = client_for(teacher)
    response = upload(client, data, name="anything.csv")
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert client.get(response["Location"]).status_code == 200
