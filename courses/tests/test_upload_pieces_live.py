"""Uploads in pieces through the real server: a dropped connection mid-piece resumes at the
server's offset, and the page sends a file in several pieces with its progress bar."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts.tests.test_browser import look
from conftest import client_for
from courses.models import CourseMaterial
from elearning.testing.live import LiveServer
from elearning.testing.rawhttp import SignedInRequests

from .factories import CourseFactory

PIECE = 64 * 1024


@pytest.fixture(scope="module")
def pieces_server(django_db_setup, django_db_blocker):
    """The site with small pieces, so that a small file goes up in several."""
    with LiveServer(extra_env={"MATERIAL_UPLOAD_PIECE_BYTES": str(PIECE)}) as live:
        yield live


def video(size: int) -> bytes:
    return b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + os.urandom(size - 24)


def session_of(server, user) -> SignedInRequests:
    return SignedInRequests(
        server.port, client_for(user).cookies[settings.SESSION_COOKIE_NAME].value, cookie_name=settings.SESSION_COOKIE_NAME
    )


def test_a_dropped_connection_resumes_where_the_server_says_and_the_material_is_identical(
    pieces_server, transactional_db, teacher, other_teacher
):
    course = CourseFactory(teacher=teacher)
    content = video(5 * PIECE + 1234)
    me = session_of(pieces_server, teacher)
    status, upload = me.request(
        "POST", f"/courses/{course.pk}/materials/uploads/",
        f"name=lecture.mp4&size={len(content)}&title=Week+1&fingerprint=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert status == 201 and upload["piece"] == PIECE

    for offset in (0, PIECE):
        assert me.request("POST", f"{upload['url']}?offset={offset}", content[offset : offset + PIECE])[0] == 200
    me.drop_mid_piece(f"{upload['url']}?offset={2 * PIECE}", content[2 * PIECE : 3 * PIECE])

    # Another teacher's piece is refused, and stores nothing.
    assert session_of(pieces_server, other_teacher).request(
        "POST", f"{upload['url']}?offset={2 * PIECE}", content[2 * PIECE : 3 * PIECE]
    )[0] == 403

    status, state = me.request("GET", upload["url"])
    assert (status, state["offset"]) == (200, 2 * PIECE)  # half a piece is no piece
    offset = state["offset"]
    while offset < len(content):
        status, state = me.request("POST", f"{upload['url']}?offset={offset}", content[offset : offset + PIECE])
        offset = state.get("offset", len(content))
    assert status == 201
    material = CourseMaterial.objects.get()
    assert (material.pk, material.title, material.size) == (state["id"], "Week 1", len(content))
    with material.file.open("rb") as stored:
        assert stored.read() == content


# --- The page ---------------------------------------------------------------------------------


@pytest.fixture
def piece_page(new_page, pieces_server):
    def make(user, viewport=None):
        page = new_page(user=user, viewport=viewport, base_url=pieces_server.url)
        page.set_default_timeout(15_000)
        return page

    return make


@pytest.mark.browser
def test_the_page_sends_a_file_in_pieces_with_its_progress(piece_page, teacher):
    course = CourseFactory(teacher=teacher, title="Film studies")
    content = video(6 * PIECE + 999)  # seven pieces
    for width, name in ((375, "material-upload-375"), (1280, "material-upload-1280")):
        small = piece_page(teacher, viewport={"width": width, "height": 800})
        small.goto(f"/courses/{course.pk}/materials/new/")
        look(small, name)
    page = piece_page(teacher)
    pieces = []
    page.on(
        "request",
        lambda request: pieces.append(request.url) if "/materials/uploads/" in request.url and "offset=" in request.url else None,
    )
    page.goto(f"/courses/{course.pk}/materials/new/")
    progress = []
    page.expose_function("reportProgress", lambda value: progress.append(int(value)))
    page.evaluate(
        """() => {
            const bar = document.querySelector("[data-progress]");
            new MutationObserver(() => window.reportProgress(bar.getAttribute("aria-valuenow")))
                .observe(bar, { attributes: true, attributeFilter: ["aria-valuenow"] });
        }"""
    )
    # The connection drops during the third piece: the page waits, asks the server, goes on.
    dropped = []

    def drop_third_piece_once(route):
        if f"offset={2 * PIECE}" in route.request.url and not dropped:
            dropped.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/materials/uploads/**", drop_third_piece_once)
    page.get_by_label("Title").fill("Opening scene")
    page.get_by_label("File").set_input_files({"name": "scene.mp4", "mimeType": "video/mp4", "buffer": content})
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status").filter(has_text="The connection was lost")).to_be_visible()
    look(page, "material-upload-retrying")
    page.wait_for_url(f"**/courses/{course.pk}/#materials")
    expect(page.get_by_text("“Opening scene” uploaded.")).to_be_visible()
    assert dropped
    assert [int(url.rsplit("offset=", 1)[1]) // PIECE for url in pieces] == [0, 1, 2, 2, 3, 4, 5, 6]
    assert progress[-1] == 100 and len(set(progress)) >= 5
    material = CourseMaterial.objects.get()
    with material.file.open("rb") as stored:
        assert stored.read() == content


@pytest.mark.browser
def test_cancel_during_an_upload_deletes_what_the_server_has_of_it(piece_page, teacher):
    from courses import chunked_uploads

    course = CourseFactory(teacher=teacher)
    page = piece_page(teacher)
    page.goto(f"/courses/{course.pk}/materials/new/")
    # The first piece arrives, then the network fails for good: the page keeps retrying.
    sent = []

    def first_piece_only(route):
        if "offset=" in route.request.url and sent:
            route.abort("connectionreset")
        else:
            sent.append(route.request.url)
            route.continue_()

    page.route("**/materials/uploads/**", first_piece_only)
    page.get_by_label("File").set_input_files(
        {"name": "long.mp4", "mimeType": "video/mp4", "buffer": video(3 * PIECE)}
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status").filter(has_text="The connection was lost")).to_be_visible()
    assert [p.name.endswith(".part") for p in chunked_uploads.root().glob("*/*")].count(True) == 1
    page.get_by_role("link", name="Cancel").click()
    page.wait_for_url(f"**/courses/{course.pk}/")
    assert list(chunked_uploads.root().glob("*/*")) == []
    assert not CourseMaterial.objects.exists()
