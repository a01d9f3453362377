"""Material upload and download through a real server: memory and throughput; prints figures.

    .venv/bin/python -m bench.materials [--mb 1024] [--piece-mb 8] [--baseline-mb 110] [--client-mbps 20]

In one run, sampling the server process's resident memory (VmRSS, from /proc) all along:

1. bin/serve (elearning.server): a --mb video sent as the upload page sends it, in pieces of
   --piece-mb, with one connection dropped half way through a piece (the upload must resume at
   the offset the server reports); then the same size as one multipart POST (the no-JS form);
   then 110 MB anonymous POSTs to /accounts/login/, declared and chunked (refused: 413).
2. The baseline: Daphne as shipped (the `daphne` command, same options), --baseline-mb as one
   multipart POST and the same login POSTs.
3. Downloads of the uploaded file as an enrolled student (a fresh bin/serve process), checked
   byte for byte against what was sent.

Goal (issue 10): the chunked --mb upload adds at most 50 MB to the server's peak memory, and a
dropped connection resumes where it stopped. Nothing is asserted; the figures are printed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import select
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.classroom import free_port
from elearning.testing.rawhttp import SignedInRequests

BASE_DIR = Path(__file__).resolve().parent.parent
MB = 1024 * 1024

SETUP = """
import json
from django.test import Client
from accounts.tests.factories import StudentFactory, TeacherFactory
from courses.tests.factories import CourseFactory, EnrollmentFactory
teacher = TeacherFactory()
course = CourseFactory(teacher=teacher)
student = EnrollmentFactory(course=course).student
sessions = {}
for name, user in (("teacher", teacher), ("student", student)):
    client = Client()
    client.force_login(user)
    sessions[name] = client.cookies["sessionid"].value
print(json.dumps({"course": course.pk, **sessions}))
"""


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Sampler(threading.Thread):
    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0.0, True

    def run(self):
        while self.running:
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.02)


HEADER = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"  # an MP4 the content check accepts
# The one-POST upload's video differs in its minor version: the same bytes in the same course
# would be refused as a duplicate (409).
OTHER_HEADER = HEADER[:12] + b"\x00\x00\x00\x01" + HEADER[16:]
BLOCK = os.urandom(MB)


def video_bytes(size: int, header: bytes = HEADER):
    """The test video, generated in 1 MB blocks (the client holds none of it)."""
    yield header
    left = size - len(header)
    while left > 0:
        yield BLOCK[: min(MB, left)]
        left -= MB


def video_range(offset: int, length: int) -> bytes:
    """Bytes [offset, offset + length) of the test video."""
    out = bytearray(HEADER[offset : offset + length])
    position, end = max(offset, len(HEADER)), offset + length
    while position < end:
        inside = (position - len(HEADER)) % MB
        take = min(MB - inside, end - position)
        out += BLOCK[inside : inside + take]
        position += take
    return bytes(out)


def multipart_stream(boundary: str, fields: dict[str, str], name: str, size: int):
    """The body of a multipart upload, generated in 1 MB pieces (the client holds none of it)."""
    head = "".join(
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"{key}\"\r\n\r\n{value}\r\n"
        for key, value in fields.items()
    )
    head += (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
        "Content-Type: video/mp4\r\n\r\n"
    )
    tail = f"\r\n--{boundary}--\r\n".encode()
    body_length = len(head.encode()) + size + len(tail)

    def pieces():
        yield head.encode()
        yield from video_bytes(size, OTHER_HEADER)
        yield tail

    return pieces(), body_length


def upload_in_pieces(teacher: SignedInRequests, course: int, size: int) -> dict:
    """The upload page's protocol; one connection is dropped in the middle piece. Returns figures."""
    status, upload = teacher.request(
        "POST", f"/courses/{course}/materials/uploads/",
        f"name=lecture.mp4&size={size}&title=Lecture+in+pieces&fingerprint=bench",
        content_type="application/x-www-form-urlencoded",
    )
    assert status == 201, (status, upload)
    piece, offset, pieces = upload["piece"], 0, 0
    drop_at = (size // piece // 2) * piece
    dropped = resumed_at = None
    state: dict = {}
    while offset < size:
        data = video_range(offset, min(piece, size - offset))
        if offset == drop_at and dropped is None:
            teacher.drop_mid_piece(f"{upload['url']}?offset={offset}", data)
            dropped = offset
            status, state = teacher.request("GET", upload["url"])
            resumed_at = offset = state["offset"]
            continue
        status, state = teacher.request("POST", f"{upload['url']}?offset={offset}", data)
        pieces += 1
        if status == 201:
            break
        assert status == 200, (status, state)
        offset = state["offset"]
    return {"material": state["id"], "pieces": pieces, "piece": piece, "dropped": dropped, "resumed_at": resumed_at}


def upload_one_post(port: int, session: str, course: int, size: int) -> int:
    csrf, boundary = secrets.token_hex(16), secrets.token_hex(12)
    body, length = multipart_stream(boundary, {"csrfmiddlewaretoken": csrf, "title": "Lecture"}, "lecture.mp4", size)
    request = urllib.request.Request(f"http://127.0.0.1:{port}/courses/{course}/materials/new/", data=body, method="POST")
    request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
    request.add_header("Content-Length", str(length))
    request.add_header("Accept", "application/json")
    request.add_header("Cookie", f"sessionid={session}; csrftoken={csrf}")
    with urllib.request.urlopen(request, timeout=3600) as response:
        return json.loads(response.read())["id"]


def login_post(port: int, size: int, chunked: bool) -> tuple[int, int]:
    """An anonymous POST of ``size`` bytes to the login page: (status, bytes sent before the answer)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=600)
    framing = b"Transfer-Encoding: chunked" if chunked else b"Content-Length: %d" % size
    sock.sendall(
        b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\n%s\r\n\r\n" % framing
    )
    block, sent, answer = b"a" * MB, 0, b""
    try:
        while sent < size:
            if select.select([sock], [], [], 0)[0]:
                break
            sock.sendall(b"%x\r\n%s\r\n" % (MB, block) if chunked else block)
            sent += MB
        else:
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        answer = sock.recv(65536)
    except (BrokenPipeError, ConnectionResetError):
        answer = answer or b"HTTP/1.1 000 reset"
    finally:
        sock.close()
    return int(answer.split(b" ", 2)[1] or 0), sent


def measured(pid: int, action):
    """(result, idle RSS, peak RSS) of ``action()`` run while the process's memory is sampled."""
    idle = rss_mb(pid)
    sampler = Sampler(pid)
    sampler.peak = idle
    sampler.start()
    try:
        result = action()
    finally:
        sampler.running = False
        sampler.join()
    return result, idle, sampler.peak


def start(env: dict[str, str], port: int, *, shipped_daphne: bool = False) -> subprocess.Popen:
    if shipped_daphne:  # the baseline: the `daphne` command with the options bin/serve gives
        command = [
            str(BASE_DIR / ".venv" / "bin" / "daphne"), "--bind", "127.0.0.1", "--port", str(port),
            "--websocket-max-message-size", "262144", "--websocket-max-frame-size", "262144",
            "--websocket_connect_timeout", "10", "--ping-interval", "20", "--ping-timeout", "30",
            "--application-close-timeout", "10", "--verbosity", "0", "elearning.asgi:application",
        ]
    else:
        command = [str(BASE_DIR / "bin" / "serve"), "127.0.0.1", str(port)]
    server = subprocess.Popen(command, cwd=BASE_DIR, env=env)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=1).read()
            break
        except urllib.error.HTTPError:  # any answer means the server is up
            break
        except OSError:
            time.sleep(0.1)
    return server


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


def download(port: int, session: str, course: int, material: int, pace_mbps: float = 0) -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/courses/{course}/materials/{material}/")
    request.add_header("Cookie", f"sessionid={session}")
    digest, received = hashlib.sha256(), 0
    with urllib.request.urlopen(request, timeout=3600) as response:
        while piece := response.read(MB // 10 if pace_mbps else MB):
            digest.update(piece)
            received += len(piece)
            if pace_mbps:
                time.sleep(0.1 / pace_mbps)
    return received, digest.hexdigest()


def video_digest(size: int, header: bytes = HEADER) -> str:
    digest = hashlib.sha256()
    for block in video_bytes(size, header):
        digest.update(block)
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=int, default=1024, help="size of the uploaded video in MB")
    parser.add_argument("--piece-mb", type=int, default=8, help="piece size of the chunked upload (MB)")
    parser.add_argument("--baseline-mb", type=int, default=110, help="one-POST upload to Daphne as shipped (0: skip)")
    parser.add_argument("--login-mb", type=int, default=110, help="anonymous POSTs to the login page")
    parser.add_argument("--client-mbps", type=float, default=0, help="also download at this pace (a slow client)")
    args = parser.parse_args()
    python = str(BASE_DIR / ".venv" / "bin" / "python")
    size = args.mb * MB
    rows: list[tuple[str, str]] = []

    def row(label: str, idle: float, peak: float, extra: str = "") -> None:
        rows.append((label, f"idle {idle:4.0f} MB, peak {peak:5.0f} MB (+{peak - idle:.0f}){extra}"))

    def login_rows(server_name: str, server: subprocess.Popen) -> None:
        for chunked_login in (False, True):
            (status, sent), idle, peak = measured(
                server.pid, lambda c=chunked_login: login_post(port, args.login_mb * MB, c)
            )
            row(f"{server_name}: {args.login_mb} MB login POST, {'chunked' if chunked_login else 'declared'}",
                idle, peak, f", answer {status} after {sent / MB:.0f} MB sent")

    with tempfile.TemporaryDirectory(prefix="elearning-bench-") as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "elearning.settings",
            "DJANGO_DATA_DIR": tmp,
            "DJANGO_LOG_LEVEL": "ERROR",
            "DAPHNE_VERBOSITY": "0",
            "MATERIAL_MAX_UPLOAD_MB": str(max(args.mb, args.baseline_mb) + 10),
            "MATERIAL_UPLOAD_PIECE_BYTES": str(args.piece_mb * MB),
        }
        env.pop("DATABASE_URL", None)
        subprocess.run([python, "manage.py", "migrate", "-v", "0"], cwd=BASE_DIR, env=env, check=True)
        subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=BASE_DIR, env=env, check=True)
        setup = subprocess.run(
            [python, "manage.py", "shell", "-c", SETUP], cwd=BASE_DIR, env=env, check=True,
            capture_output=True, text=True,
        )
        site = json.loads(setup.stdout.strip().splitlines()[-1])
        course = site["course"]
        port = free_port()

        # 1. bin/serve: pieces, one POST, oversized login POSTs.
        server = start(env, port)
        try:
            teacher = SignedInRequests(port, site["teacher"], timeout=600)
            started = time.perf_counter()
            chunked, idle, peak = measured(server.pid, lambda: upload_in_pieces(teacher, course, size))
            seconds = time.perf_counter() - started
            row(f"bin/serve: {args.mb} MB in {chunked['pieces']} pieces of {args.piece_mb} MB", idle, peak,
                f", {args.mb / seconds:.0f} MB/s")
            resumed = chunked["dropped"] == chunked["resumed_at"]
            rows.append(("  dropped mid-piece at", f"{chunked['dropped'] / MB:.0f} MB; server said resume at "
                         f"{chunked['resumed_at'] / MB:.0f} MB ({'resumed where it stopped' if resumed else 'WRONG'})"))
            started = time.perf_counter()
            single, idle, peak = measured(server.pid, lambda: upload_one_post(port, site["teacher"], course, size))
            row(f"bin/serve: {args.mb} MB as one POST", idle, peak, f", {args.mb / (time.perf_counter() - started):.0f} MB/s")
            login_rows("bin/serve", server)
        finally:
            stop(server)

        # 2. The baseline: Daphne as shipped.
        if args.baseline_mb:
            server = start(env, port, shipped_daphne=True)
            try:
                _, idle, peak = measured(
                    server.pid, lambda: upload_one_post(port, site["teacher"], course, args.baseline_mb * MB)
                )
                row(f"daphne as shipped: {args.baseline_mb} MB as one POST", idle, peak)
                login_rows("daphne as shipped", server)
            finally:
                stop(server)

        # 3. Downloads from a fresh process, checked against what was sent.
        server = start(env, port)
        try:
            expected = video_digest(size)
            started = time.perf_counter()
            (received, digest), idle, peak = measured(
                server.pid, lambda: download(port, site["student"], course, chunked["material"])
            )
            same = "identical" if (received, digest) == (size, expected) else "DIFFERENT"
            row(f"download of the pieced upload ({same})", idle, peak,
                f", {received / MB / (time.perf_counter() - started):.0f} MB/s")
            received, digest = download(port, site["student"], course, single)
            same = (received, digest) == (size, video_digest(size, OTHER_HEADER))
            rows.append(("  the one-POST upload", "identical" if same else "DIFFERENT"))
            if args.client_mbps:
                _, idle, peak = measured(
                    server.pid, lambda: download(port, site["student"], course, single, args.client_mbps)
                )
                row(f"download at {args.client_mbps:g} MB/s", idle, peak)
        finally:
            stop(server)

    width = max(len(label) for label, _ in rows)
    for label, figures in rows:
        print(f"{label:<{width}}  {figures}")
    sys.exit(0)


if __name__ == "__main__":
    main()
