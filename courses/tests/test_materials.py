"""Materials: checked uploads, private storage, downloads only for the course's people."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from accounts.tests.factories import StudentFactory
from courses import services
from courses.models import CourseMaterial
from elearning.testing.queries import assert_queries_flat

from .factories import CourseBlockFactory, CourseFactory, EnrollmentFactory, FeedbackFactory, MaterialFactory
from .files import EXE, SVG_WITH_SCRIPT, pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(teacher):
    return CourseFactory(teacher=teacher)


def stored_files() -> list[Path]:
    root = Path(settings.STORAGES["materials"]["OPTIONS"]["location"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def post_material(client, course, name, content, **extra):
    return client.post(
        f"/courses/{course.pk}/materials/new/", {"title": "", "file": upload(name, content)}, **extra
    )


def test_teacher_uploads_a_pdf_kept_outside_media_and_under_a_random_name(login, teacher, course):
    response = post_material(login(teacher), course, "Week 1 notes.pdf", pdf_bytes())
    material = CourseMaterial.objects.get()
    assert response.status_code == 302 and response.url == f"/courses/{course.pk}/#materials"
    assert (material.title, material.kind, material.content_type) == ("Week 1 notes", "document", "application/pdf")
    assert material.original_name == "Week 1 notes.pdf" and material.uploaded_by == teacher
    path = Path(material.file.path)
    assert path.read_bytes() == pdf_bytes()
    assert "Week 1" not in path.name
    assert not path.is_relative_to(settings.MEDIA_ROOT)
    assert login(teacher).get(f"/media/{material.file.name}").status_code == 404


def test_the_upload_script_gets_json(login, teacher, course):
    response = post_material(login(teacher), course, "notes.pdf", pdf_bytes(), HTTP_ACCEPT="application/json")
    assert response.status_code == 201
    assert response.json()["redirect"] == f"/courses/{course.pk}/#materials"
    bad = post_material(login(teacher), course, "notes.pdf", EXE, HTTP_ACCEPT="application/json")
    assert bad.status_code == 400
    assert "Windows program" in bad.json()["errors"]["file"][0]


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("syllabus.pdf", EXE, "Windows program"),
        ("drawing.svg", SVG_WITH_SCRIPT, "scripts"),
        ("notes.png", pdf_bytes(), "its content is PDF"),
    ],
    ids=["exe-renamed-pdf", "svg-with-script", "wrong-extension"],
)
def test_bad_uploads_are_field_errors_and_store_nothing(login, teacher, course, name, content, message):
    response = post_material(login(teacher), course, name, content)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["file"])
    assert not CourseMaterial.objects.exists()
    assert stored_files() == []


def test_a_name_with_dot_dot_slash_cannot_place_the_file_anywhere(login, teacher, course):
    # Django's multipart parser keeps only the last part of a sent name; we never use it as a
    # path anyway (courses.uploads.safe_display_name refuses it in any other caller).
    response = post_material(login(teacher), course, "../../../etc/cron.d/evil.pdf", pdf_bytes())
    assert response.status_code == 302
    material = CourseMaterial.objects.get()
    assert material.original_name == "evil.pdf"
    root = Path(settings.STORAGES["materials"]["OPTIONS"]["location"]).resolve()
    assert stored_files() == [Path(material.file.path)]
    assert Path(material.file.path).resolve().is_relative_to(root)


def test_a_2_gb_upload_is_refused_from_its_header_without_reading_it(login, teacher, course):
    # The body is never read: the declared length alone decides.
    response = login(teacher).post(
        f"/courses/{course.pk}/materials/new/", data=b"", content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(2 * 1024**3),
    )
    assert response.status_code == 413
    assert "larger than the limit" in response.content.decode()
    assert not CourseMaterial.objects.exists()


@override_settings(MATERIAL_MAX_UPLOAD_BYTES=1000)
def test_the_limit_is_configurable_and_enforced_while_receiving(login, teacher, course):
    response = post_material(login(teacher), course, "long.txt", b"words " * 2000)
    assert response.status_code == 413
    assert "larger than the limit of 1000\xa0bytes" in response.content.decode()
    assert not CourseMaterial.objects.exists() and stored_files() == []


def test_forged_upload_to_someone_elses_course_is_refused(login, other_teacher, course):
    enrolled = EnrollmentFactory(course=course).student
    assert post_material(login(other_teacher), course, "x.pdf", pdf_bytes()).status_code == 403
    assert post_material(login(enrolled), course, "x.pdf", pdf_bytes()).status_code == 403
    assert not CourseMaterial.objects.exists() and stored_files() == []


def test_a_failed_save_leaves_no_orphan_file(teacher, course, monkeypatch):
    from courses.uploads import inspect_upload

    file = upload("notes.pdf", pdf_bytes())
    inspected = inspect_upload(file, max_bytes=10**6)
    monkeypatch.setattr(CourseMaterial, "save", lambda self, *a, **k: (_ for _ in ()).throw(RuntimeError("db down")))
    with pytest.raises(RuntimeError):
        services.material_upload(course=course, uploaded_by=teacher, title="t", upload=file, inspected=inspected)
    assert stored_files() == []


def test_enrolled_students_and_the_teacher_download_with_safe_headers(login, teacher, course):
    material = MaterialFactory(course=course, original_name="Notes “week 1”.pdf")
    student = EnrollmentFactory(course=course).student
    for user in (teacher, student):
        response = login(user).get(material.get_absolute_url())
        assert response.status_code == 200
        assert response.streaming  # streamed in blocks, never read whole into memory
        assert b"".join(response.streaming_content) == b"%PDF-1.4\n%%EOF\n"
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "filename*=utf-8''Notes%20%E2%80%9Cweek%201%E2%80%9D.pdf" in response["Content-Disposition"]
        assert "sandbox" in response["Content-Security-Policy"]
    inline = login(student).get(material.get_absolute_url() + "?view=1")
    assert inline["Content-Disposition"].startswith("inline;")


def test_under_asgi_a_download_goes_out_in_blocks_not_read_whole(login, teacher, course):
    from asgiref.sync import async_to_sync
    from django.core.files.base import ContentFile
    from django.test import AsyncClient

    content = bytes(range(256)) * 4096  # 1 MiB: four blocks
    material = MaterialFactory(course=course, file=ContentFile(content, name="big.pdf"))
    client = AsyncClient()
    client.force_login(teacher)

    async def fetch():
        response = await client.get(material.get_absolute_url())
        return response, [block async for block in response.streaming_content]

    response, blocks = async_to_sync(fetch)()
    assert response.status_code == 200 and response.is_async
    assert response["Content-Length"] == str(len(content))
    assert [len(block) for block in blocks] == [256 * 1024] * 4
    assert b"".join(blocks) == content


@override_settings(MATERIALS_ACCEL_REDIRECT="/_materials/")
def test_behind_nginx_the_checked_download_is_handed_to_nginx(login, client, course):
    material = MaterialFactory(course=course, original_name="Notes 1.pdf")
    enrolled = EnrollmentFactory(course=course).student
    response = login(enrolled).get(material.get_absolute_url())
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/_materials/{material.file.name}"
    assert response["Content-Disposition"] == 'attachment; filename="Notes 1.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "X-Accel-Redirect" not in login(StudentFactory()).get(material.get_absolute_url())


def test_nobody_else_downloads(login, client, other_teacher, course):
    material = MaterialFactory(course=course)
    outsider = StudentFactory()
    blocked = CourseBlockFactory(course=course).student
    left = EnrollmentFactory(course=course, is_active=False).student
    for user in (outsider, blocked, left, other_teacher):
        assert login(user).get(material.get_absolute_url()).status_code == 403
    assert client.get(material.get_absolute_url()).status_code == 302  # to the login page


def test_a_material_id_from_another_course_is_not_found_idor(login, teacher, course):
    mine = EnrollmentFactory(course=course).student
    foreign = MaterialFactory()  # another teacher's course
    url = f"/courses/{course.pk}/materials/{foreign.pk}/"
    assert login(mine).get(url).status_code == 404
    assert login(teacher).post(url + "delete/").status_code == 404
    assert CourseMaterial.objects.filter(pk=foreign.pk).exists()


def test_a_missing_file_is_a_clear_404_not_a_500(login, teacher, course):
    material = MaterialFactory(course=course)
    Path(material.file.path).unlink()
    response = login(teacher).get(material.get_absolute_url())
    assert response.status_code == 404


def test_deleting_a_material_or_the_course_removes_the_files(
    login, teacher, course, django_capture_on_commit_callbacks
):
    first, second = MaterialFactory(course=course), MaterialFactory(course=course)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(teacher).post(f"/courses/{course.pk}/materials/{first.pk}/delete/")
    assert response.status_code == 302
    assert not Path(first.file.path).exists() and Path(second.file.path).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.course_delete(course=course)
    assert stored_files() == []


def test_the_course_page_lists_materials_to_its_people_only(login, client, course):
    MaterialFactory(course=course, title="Fractions worksheet")
    enrolled = EnrollmentFactory(course=course).student
    assert "Fractions worksheet" in login(enrolled).get(course.get_absolute_url()).content.decode()
    for viewer in (client, login(StudentFactory())):
        page = viewer.get(course.get_absolute_url()).content.decode()
        assert "Fractions worksheet" not in page
        assert "available to the students enrolled" in page


def test_course_page_query_count_is_flat_in_materials_and_feedback(login, teacher, course):
    enrolled = EnrollmentFactory(course=course).student
    FeedbackFactory(course=course, student=enrolled)

    def grow(n):
        MaterialFactory.create_batch(n, course=course)
        for student in StudentFactory.create_batch(n):
            EnrollmentFactory(course=course, student=student)
            FeedbackFactory(course=course, student=student)

    for user in (teacher, enrolled):
        client = login(user)
        assert_queries_flat(lambda: client.get(course.get_absolute_url()), grow)
