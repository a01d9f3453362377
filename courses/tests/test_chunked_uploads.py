"""Materials sent in pieces: resume at the server's offset, the same content check at the end,
the teacher of the course only, and limits on what unfinished uploads may keep on disk."""

import os
import time

import pytest
from django.core.management import call_command

from courses import chunked_uploads
from courses.models import CourseMaterial

from .factories import CourseFactory, EnrollmentFactory
from .files import EXE, pdf_bytes

PIECE = 1024


@pytest.fixture(autouse=True)
def small_pieces(settings):
    settings.MATERIAL_UPLOAD_PIECE_BYTES = PIECE


@pytest.fixture
def course(teacher):
    return CourseFactory(teacher=teacher)


def start(client, course, name, content, title="", fingerprint="f1"):
    return client.post(
        f"/courses/{course.pk}/materials/uploads/",
        {"name": name, "size": len(content), "title": title, "fingerprint": fingerprint},
    )


def send(client, url, offset, piece):
    return client.post(f"{url}?offset={offset}", piece, content_type="application/octet-stream")


def partial_files():
    return sorted(p.name for p in chunked_uploads.root().glob("*/*")) if chunked_uploads.root().exists() else []


def test_an_upload_resumes_at_the_offset_the_server_reports_and_stores_the_same_bytes(login, teacher, course):
    content = pdf_bytes(40)
    assert len(content) > 3 * PIECE
    client = login(teacher)
    answer = start(client, course, "Chapter 2.pdf", content, title="Chapter two")
    assert answer.status_code == 201
    upload = answer.json()
    assert upload["offset"] == 0 and upload["piece"] == PIECE

    # Half the pieces go up, then the page is lost (closed, reloaded, offline).
    half = (len(content) // PIECE // 2) * PIECE
    for offset in range(0, half, PIECE):
        assert send(client, upload["url"], offset, content[offset : offset + PIECE]).json() == {
            "offset": offset + PIECE, "size": len(content)
        }
    # The page comes back with the same file: the same upload, at the server's offset.
    again = start(client, course, "Chapter 2.pdf", content, title="Chapter two")
    assert again.status_code == 200
    assert (again.json()["id"], again.json()["offset"]) == (upload["id"], half)
    assert client.get(upload["url"]).json()["offset"] == half
    # A piece sent again for an offset already stored is refused with where the file stops.
    stale = send(client, upload["url"], 0, content[:PIECE])
    assert stale.status_code == 409 and stale.json()["offset"] == half

    for offset in range(half, len(content), PIECE):
        answer = send(client, upload["url"], offset, content[offset : offset + PIECE])
    assert answer.status_code == 201
    material = CourseMaterial.objects.get()
    assert answer.json()["id"] == material.pk
    assert (material.title, material.original_name, material.size) == ("Chapter two", "Chapter 2.pdf", len(content))
    with material.file.open("rb") as stored:
        assert stored.read() == content
    assert partial_files() == [f"{upload['id']}.json"]  # the file was moved, the answer kept
    assert client.get(upload["url"]).json()["redirect"].endswith(f"/courses/{course.pk}/#materials")


def test_the_complete_file_is_checked_by_content_like_a_plain_upload(login, teacher, course):
    client = login(teacher)
    upload = start(client, course, "syllabus.pdf", EXE).json()
    answer = None
    for offset in range(0, len(EXE), PIECE):
        answer = send(client, upload["url"], offset, EXE[offset : offset + PIECE])
    assert answer.status_code == 400
    assert "Windows program" in answer.json()["errors"]["file"][0]
    assert not CourseMaterial.objects.exists()
    assert partial_files() == []


def test_a_wrong_file_is_refused_once_its_first_bytes_are_in_not_at_its_end(login, teacher, course):
    client = login(teacher)
    program = EXE + b"\x00" * (20 * PIECE)
    upload = start(client, course, "lecture.mp4", program).json()
    for offset in range(0, 8192, PIECE):  # the first 8 KB: the head every check reads
        answer = send(client, upload["url"], offset, program[offset : offset + PIECE])
    assert answer.status_code == 400 and "Windows program" in answer.json()["errors"]["file"][0]
    assert partial_files() == []
    renamed = b"%PDF-1.7\n" + b"x" * (20 * PIECE)
    upload = start(client, course, "lecture.mp4", renamed, fingerprint="pdf").json()
    for offset in range(0, 8192, PIECE):
        answer = send(client, upload["url"], offset, renamed[offset : offset + PIECE])
    assert answer.status_code == 400 and "its content is PDF" in answer.json()["errors"]["file"][0]


def test_the_start_refuses_what_no_content_could_make_acceptable(login, teacher, course, settings):
    client = login(teacher)
    assert start(client, course, "run.exe", b"MZ" * 10).status_code == 400
    assert start(client, course, "../x.pdf", b"%PDF-").status_code == 400
    assert start(client, course, "empty.pdf", b"").status_code == 400
    settings.MATERIAL_MAX_UPLOAD_BYTES = 100
    assert start(client, course, "big.pdf", b"%PDF-" * 30).status_code == 413
    assert partial_files() == []


@pytest.mark.parametrize("who", ["other_teacher", "enrolled", "anonymous"])
def test_only_the_teacher_of_the_course_sends_pieces_and_nothing_is_stored_for_others(
    login, teacher, other_teacher, course, who
):
    upload = start(login(teacher), course, "notes.pdf", pdf_bytes(1)).json()
    user = {"other_teacher": other_teacher, "enrolled": EnrollmentFactory(course=course).student,
            "anonymous": None}[who]
    client = login(user)
    answer = send(client, upload["url"], 0, b"%PDF-evil")
    assert answer.status_code in (302, 403)
    assert client.get(upload["url"]).status_code in (302, 403)
    assert client.post(f"{upload['url']}cancel/").status_code in (302, 403)
    assert start(client, course, "mine.pdf", b"%PDF-1").status_code in (302, 403)
    assert partial_files() == sorted([f"{upload['id']}.json", f"{upload['id']}.part"])
    assert (chunked_uploads.root() / str(teacher.pk) / f"{upload['id']}.part").stat().st_size == 0


def test_an_upload_of_another_course_is_not_found_through_this_one(login, teacher, course):
    client = login(teacher)
    other = CourseFactory(teacher=teacher)
    upload = start(client, other, "notes.pdf", pdf_bytes(1)).json()
    url = f"/courses/{course.pk}/materials/uploads/{upload['id']}/"
    assert client.get(url).status_code == 404
    assert send(client, url, 0, b"%PDF-").status_code == 404


def test_a_piece_larger_than_the_piece_size_or_past_the_end_is_refused(login, teacher, course):
    client = login(teacher)
    content = pdf_bytes(20)
    upload = start(client, course, "a.pdf", content).json()
    assert send(client, upload["url"], 0, content[: PIECE + 1]).status_code == 413
    small = start(client, course, "b.pdf", b"%PDF-1.4 tiny", fingerprint="f2").json()
    assert send(client, small["url"], 0, b"%PDF-1.4 tiny and more").status_code == 413
    assert client.get(small["url"]).json()["offset"] == 0


def test_unfinished_uploads_are_limited_per_teacher_cancelled_and_expire(login, teacher, course, settings):
    settings.MATERIAL_UPLOADS_PER_TEACHER = 2
    client = login(teacher)
    first = start(client, course, "a.pdf", pdf_bytes(1), fingerprint="a").json()
    start(client, course, "b.pdf", pdf_bytes(1), fingerprint="b")
    refused = start(client, course, "c.pdf", pdf_bytes(1), fingerprint="c")
    assert refused.status_code == 429 and "2 unfinished uploads" in refused.json()["errors"]["file"][0]

    assert client.post(first["cancel"]).json() == {"cancelled": True}
    assert start(client, course, "c.pdf", pdf_bytes(1), fingerprint="c").status_code == 201

    assert chunked_uploads.remove_expired() == 0
    assert chunked_uploads.remove_expired(now=time.time() + settings.MATERIAL_UPLOAD_EXPIRY_HOURS * 3600 + 1) == 2
    assert partial_files() == []


def test_the_cron_command_deletes_uploads_past_their_expiry(login, teacher, course, settings):
    upload = start(login(teacher), course, "a.pdf", pdf_bytes(1)).json()
    call_command("material_uploads")
    assert len(partial_files()) == 2
    meta = chunked_uploads.root() / str(teacher.pk) / f"{upload['id']}.json"
    old = time.time() - settings.MATERIAL_UPLOAD_EXPIRY_HOURS * 3600 - 60
    os.utime(meta, (old, old))
    call_command("material_uploads")
    assert partial_files() == []


def test_the_same_file_sent_again_in_pieces_is_refused_as_a_duplicate(login, teacher, course):
    content = pdf_bytes(10)
    client = login(teacher)

    def upload_whole(fingerprint):
        upload = start(client, course, "Notes.pdf", content, fingerprint=fingerprint).json()
        for offset in range(0, len(content), PIECE):
            answer = send(client, upload["url"], offset, content[offset : offset + PIECE])
        return upload["id"], answer

    assert upload_whole("first")[1].status_code == 201
    second, again = upload_whole("second")
    assert again.status_code == 409
    assert "already" in again.json()["errors"]["file"][0]
    assert CourseMaterial.objects.filter(course=course).count() == 1
    assert not [name for name in partial_files() if name.startswith(second)]  # nothing kept of it
