"""Request bodies through the real server (bin/serve → elearning.server): refused past their
limit before they are read, and streamed — not held — when accepted."""

from __future__ import annotations

import os
import secrets
import select
import socket
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings

from conftest import client_for
from courses.models import CourseMaterial
from courses.tests.factories import CourseFactory
from elearning.testing.live import LiveServer

MB = 1024 * 1024


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    with LiveServer() as live:
        yield live


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def connect(server) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    return sock


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def test_a_declared_oversized_body_is_refused_before_a_byte_of_it_is_sent(server):
    sock = connect(server)
    sock.sendall(
        b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % (110 * MB)
    )
    answer = sock.recv(65536)  # Daphne as shipped waits for the 110 MB first: this would time out
    sock.close()
    assert status_of(answer) == 413
    assert b"at most 6.0" in answer  # the default limit: a profile photo and the form around it


def test_an_oversized_chunked_body_is_cut_off_at_the_limit(server):
    limit = settings.REQUEST_BODY_MAX_BYTES
    sock = connect(server)
    sock.sendall(
        b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    piece = b"a" * (64 * 1024)
    chunk = b"%x\r\n%s\r\n" % (len(piece), piece)
    sent, answer = 0, b""
    try:
        while sent < 40 * MB:
            if select.select([sock], [], [], 0)[0]:
                answer = sock.recv(65536)
                break
            sock.sendall(chunk)
            sent += len(piece)
        else:  # not cut off: end the body and take whatever the server says
            sock.sendall(b"0\r\n\r\n")
            answer = sock.recv(65536)
    except (BrokenPipeError, ConnectionResetError):
        answer = answer or sock.recv(65536)
    sock.close()
    assert status_of(answer) == 413
    # Cut off once the server had the limit; the rest is what the kernel's buffers still took.
    assert limit < sent < 40 * MB


def upload_material(server, course, session: str, size: int) -> bytes:
    """A plain (one-POST) material upload of a ``size``-byte video, sent from a raw socket."""
    csrf, boundary = secrets.token_hex(16), secrets.token_hex(12)
    head = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nLecture\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"lecture.mp4\"\r\n"
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    first = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
    tail = f"\r\n--{boundary}--\r\n".encode()
    block = os.urandom(MB)
    sock = connect(server)
    sock.sendall(
        f"POST /courses/{course.pk}/materials/new/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Cookie: {settings.SESSION_COOKIE_NAME}={session}; csrftoken={csrf}\r\nX-CSRFToken: {csrf}\r\n"
        f"Accept: application/json\r\nContent-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {len(head) + size + len(tail)}\r\n\r\n".encode()
    )
    sock.sendall(head + first)
    left = size - len(first)
    while left > 0:
        sock.sendall(block[: min(MB, left)])
        left -= MB
    sock.sendall(tail)
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += sock.recv(65536)
    sock.close()
    return answer


def test_an_accepted_large_upload_streams_through_the_server_without_being_held(server, transactional_db, teacher):
    """A 40 MB plain upload (within the materials limit) costs the server process a few MB, not
    its size: as shipped, Twisted parsed it into memory and Daphne queued all of it at once."""
    course = CourseFactory(teacher=teacher)
    session = client_for(teacher).cookies[settings.SESSION_COOKIE_NAME].value
    assert status_of(upload_material(server, course, session, MB)) == 201  # code paths loaded
    size = 40 * MB
    idle = rss_mb(server.process.pid)
    peak = [idle]
    sampling = threading.Event()

    def sample():
        while not sampling.is_set():
            peak[0] = max(peak[0], rss_mb(server.process.pid))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    answer = upload_material(server, course, session, size)
    sampling.set()
    sampler.join()
    assert status_of(answer) == 201, answer[:500]
    assert CourseMaterial.objects.filter(size=size).exists()
    assert peak[0] - idle < 20, f"the server grew by {peak[0] - idle:.0f} MB for a {size // MB} MB upload"


def test_the_limits_come_from_the_site_settings_by_url_name():
    from elearning.server import body_limit

    margin = settings.REQUEST_BODY_MARGIN
    assert body_limit(b"/accounts/login/") == settings.REQUEST_BODY_MAX_BYTES
    assert settings.REQUEST_BODY_MAX_BYTES >= settings.PROFILE_PHOTO_MAX_BYTES + margin
    assert settings.REQUEST_BODY_MAX_BYTES >= settings.INVITATIONS_IMPORT_MAX_BYTES + margin
    assert body_limit(b"/courses/7/materials/new/?x=1") == settings.MATERIAL_MAX_UPLOAD_BYTES + margin
    assert body_limit(b"/courses/7/assignments/new/") == settings.ASSIGNMENT_PDF_MAX_MB * MB + margin
    piece = b"/courses/7/materials/uploads/0b6c3a58-2b8e-4a55-9f3c-6a2cf3ab9d2e/?offset=0"
    assert body_limit(piece) == settings.MATERIAL_UPLOAD_PIECE_BYTES + margin
    assert body_limit(b"/no/such/%ff/page") == settings.REQUEST_BODY_MAX_BYTES
