"""Material upload and download through a real Daphne: memory and throughput; prints figures.

    .venv/bin/python -m bench.materials [--mb 300] [--client-mbps 20]

Uploads one large video-like file with a multipart POST (as the upload page does), then
downloads it as an enrolled student, sampling the Daphne process's resident memory (VmRSS) all
along. The goal (issue 3): large files stream — the server's memory does not grow with the
file's size. Nothing is asserted; compare the figures with and without a bigger --mb.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.classroom import free_port

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
    first = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
    chunk = os.urandom(MB)
    body_length = len(head.encode()) + size + len(tail)

    def pieces():
        yield head.encode() + first
        left = size - len(first)
        while left > 0:
            yield chunk[: min(MB, left)]
            left -= MB
        yield tail

    return pieces(), body_length


def start(env: dict[str, str], port: int) -> subprocess.Popen:
    server = subprocess.Popen([str(BASE_DIR / "bin" / "serve"), "127.0.0.1", str(port)], cwd=BASE_DIR, env=env)
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/logout/", timeout=1).read()
            break
        except urllib.error.HTTPError:  # any answer means the server is up
            break
        except OSError:
            time.sleep(0.1)
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=int, default=300, help="size of the uploaded file in MB")
    parser.add_argument("--client-mbps", type=float, default=0, help="also download at this pace (a slow client)")
    args = parser.parse_args()
    python = str(BASE_DIR / ".venv" / "bin" / "python")
    with tempfile.TemporaryDirectory(prefix="elearning-bench-") as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "elearning.settings",
            "DJANGO_DATA_DIR": tmp,
            "DJANGO_LOG_LEVEL": "WARNING",
            "DAPHNE_VERBOSITY": "0",
            "MATERIAL_MAX_UPLOAD_MB": str(args.mb + 10),
        }
        env.pop("DATABASE_URL", None)
        subprocess.run([python, "manage.py", "migrate", "-v", "0"], cwd=BASE_DIR, env=env, check=True)
        setup = subprocess.run(
            [python, "manage.py", "shell", "-c", SETUP], cwd=BASE_DIR, env=env, check=True,
            capture_output=True, text=True,
        )
        site = json.loads(setup.stdout.strip().splitlines()[-1])
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start(env, port)
        try:
            idle = rss_mb(server.pid)
            sampler = Sampler(server.pid)
            sampler.start()

            csrf = secrets.token_hex(16)
            boundary = secrets.token_hex(12)
            body, length = multipart_stream(boundary, {"csrfmiddlewaretoken": csrf, "title": "Lecture"}, "lecture.mp4", args.mb * MB)
            request = urllib.request.Request(f"{base}/courses/{site['course']}/materials/new/", data=body, method="POST")
            request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
            request.add_header("Content-Length", str(length))
            request.add_header("Accept", "application/json")
            request.add_header("Cookie", f"sessionid={site['teacher']}; csrftoken={csrf}")
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=600) as response:
                material = json.loads(response.read())["id"]
            upload_seconds = time.perf_counter() - started
            upload_peak = sampler.peak

            sampler.running = False
            server.terminate()
            server.wait(timeout=10)
            # A fresh process for the downloads: memory kept from the upload must not count.
            server = start(env, port)
            download_idle = rss_mb(server.pid)
            sampler = Sampler(server.pid)
            sampler.start()
            request = urllib.request.Request(f"{base}/courses/{site['course']}/materials/{material}/")
            request.add_header("Cookie", f"sessionid={site['student']}")
            received = 0
            started = time.perf_counter()
            with urllib.request.urlopen(request, timeout=600) as response:
                while piece := response.read(MB):
                    received += len(piece)
            download_seconds = time.perf_counter() - started
            download_peak = sampler.peak
            slow_peak = None
            if args.client_mbps:
                sampler.peak = rss_mb(server.pid)
                with urllib.request.urlopen(request, timeout=3600) as response:
                    while response.read(MB // 10):
                        time.sleep(0.1 / args.client_mbps)
                slow_peak = sampler.peak
            sampler.running = False
            sampler.join()
        finally:
            server.terminate()
            server.wait(timeout=10)

    print(f"file                 {args.mb} MB")
    print(f"Daphne RSS idle      {idle:.0f} MB")
    print(f"upload               {args.mb / upload_seconds:.0f} MB/s, peak RSS {upload_peak:.0f} MB (+{upload_peak - idle:.0f})")
    print(f"Daphne RSS idle      {download_idle:.0f} MB (a fresh process for the downloads)")
    print(f"download             {received / MB / download_seconds:.0f} MB/s, peak RSS {download_peak:.0f} MB (+{download_peak - download_idle:.0f})")
    if slow_peak is not None:
        print(f"download at {args.client_mbps:g} MB/s  peak RSS {slow_peak:.0f} MB (+{slow_peak - download_idle:.0f})")
    print(f"bytes received       {received} ({'complete' if received == args.mb * MB else 'INCOMPLETE'})")
    sys.exit(0)


if __name__ == "__main__":
    main()
