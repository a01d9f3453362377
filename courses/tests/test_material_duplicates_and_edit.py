"""The same file is not uploaded twice into a course (it would notify every student twice), and a
material's title can be edited by its teacher."""

import hashlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.test import override_settings

from courses.models import CourseMaterial
from notifications.models import Notification

from .factories import CourseFactory, EnrollmentFactory, MaterialFactory
from .files import pdf_bytes, upload

pytestmark = pytest.mark.django_db

backfill = __import__("courses.migrations.0003_material_sha256", fromlist=["backfill"]).backfill


@pytest.fixture
def course(teacher):
    course = CourseFactory(teacher=teacher)
    EnrollmentFactory(course=course)
    return course


def stored_files() -> list[Path]:
    root = Path(settings.STORAGES["materials"]["OPTIONS"]["location"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def post(client, course, name, content, title="", **extra):
    return client.post(f"/courses/{course.pk}/materials/new/", {"title": title, "file": upload(name, content)}, **extra)


def test_the_content_hash_is_stored_with_the_material(login, teacher, course):
    post(login(teacher), course, "notes.pdf", pdf_bytes())
    assert CourseMaterial.objects.get().sha256 == hashlib.sha256(pdf_bytes()).hexdigest()


@override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=1024)  # the upload lands in a temporary file
def test_a_large_upload_is_hashed_too(login, teacher, course):
    content = pdf_bytes(40)
    assert len(content) > 1024
    post(login(teacher), course, "book.pdf", content)
    material = CourseMaterial.objects.get()
    assert material.sha256 == hashlib.sha256(content).hexdigest()
    assert Path(material.file.path).read_bytes() == content


def test_the_same_file_twice_is_refused_naming_the_first_and_notifies_once(login, teacher, course):
    client = login(teacher)
    post(client, course, "week 1.pdf", pdf_bytes(2), title="Week 1 handout")
    notified = Notification.objects.count()
    response = post(client, course, "copy of week 1.pdf", pdf_bytes(2))
    assert response.status_code == 409
    error = " ".join(response.context["form"].errors["file"])
    assert "already in the course as “Week 1 handout”" in error
    assert CourseMaterial.objects.count() == 1 and len(stored_files()) == 1
    assert Notification.objects.count() == notified


def test_the_upload_script_gets_the_refusal_as_a_field_error(login, teacher, course):
    client = login(teacher)
    post(client, course, "a.pdf", pdf_bytes(), title="First")
    response = post(client, course, "b.pdf", pdf_bytes(), HTTP_ACCEPT="application/json")
    assert response.status_code == 409
    assert "“First”" in response.json()["errors"]["file"][0]


def test_other_files_and_the_same_file_in_another_course_are_fine(login, teacher, course):
    client = login(teacher)
    post(client, course, "a.pdf", pdf_bytes(1))
    assert post(client, course, "b.pdf", pdf_bytes(2)).status_code == 302
    assert post(client, CourseFactory(teacher=teacher), "a.pdf", pdf_bytes(1)).status_code == 302
    assert CourseMaterial.objects.count() == 3


def test_the_migration_hashes_existing_files_and_skips_missing_ones(course):
    kept = MaterialFactory(course=course, sha256="")
    gone = MaterialFactory(course=course, sha256="")
    Path(gone.file.path).unlink()
    backfill(apps, None)
    kept.refresh_from_db(), gone.refresh_from_db()
    assert kept.sha256 == hashlib.sha256(Path(kept.file.path).read_bytes()).hexdigest()
    assert gone.sha256 == ""


# --- Editing a material's title ---------------------------------------------------------------

def test_the_teacher_renames_a_material_and_nothing_else_changes(login, teacher, course):
    material = MaterialFactory(course=course, title="Scan 0042")
    before = CourseMaterial.objects.filter(pk=material.pk).values().get()
    notified = Notification.objects.count()
    client = login(teacher)
    url = f"/courses/{course.pk}/materials/{material.pk}/edit/"
    page = client.get(url)
    assert page.status_code == 200 and 'value="Scan 0042"' in page.content.decode()
    response = client.post(url, {"title": "  Week 3: photosynthesis  ", "file": "x", "size": "1"})
    assert response.url == f"/courses/{course.pk}/#materials"
    after = CourseMaterial.objects.filter(pk=material.pk).values().get()
    assert after.pop("title") == "Week 3: photosynthesis"
    before.pop("title")
    assert after == before
    assert Notification.objects.count() == notified
    assert f'href="{url}"' in client.get(f"/courses/{course.pk}/").content.decode()


def test_an_empty_title_is_a_field_error(login, teacher, course):
    material = MaterialFactory(course=course, title="Kept")
    response = login(teacher).post(f"/courses/{course.pk}/materials/{material.pk}/edit/", {"title": "  "})
    assert response.status_code == 400 and "title" in response.context["form"].errors
    material.refresh_from_db()
    assert material.title == "Kept"


def test_a_material_of_another_course_is_not_found_under_this_one(login, teacher, course):
    elsewhere = MaterialFactory(course=CourseFactory(teacher=teacher))
    assert login(teacher).get(f"/courses/{course.pk}/materials/{elsewhere.pk}/edit/").status_code == 404


def test_students_and_other_teachers_cannot_rename(login, other_teacher, course):
    material = MaterialFactory(course=course, title="Kept")
    student = course.enrollments.get().student
    url = f"/courses/{course.pk}/materials/{material.pk}/edit/"
    assert login(student).post(url, {"title": "Mine"}).status_code == 403
    assert login(other_teacher).post(url, {"title": "Mine"}).status_code == 403
    material.refresh_from_db()
    assert material.title == "Kept"
