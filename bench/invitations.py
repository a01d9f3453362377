"""Bulk invitations benchmark: a class list through the real pages, mails to a real SMTP server.

    .venv/bin/python -m bench.invitations [--rows 1000 5000]

For each size: a UTF-8 (BOM), semicolon-separated file is uploaded by a teacher through the
bulk page (Django's test client against the real views), the preview page rendered, the import
confirmed, then ``manage.py db_worker`` (a separate process, as in production) sends the
e-mails to an aiosmtpd server on loopback. Printed: time to preview (upload + preview page),
time to confirm, time until every mail reached the SMTP server, peak RSS of the process
serving the pages (test client) and of the worker. Goals (issue 11): preview of
1,000 rows <= 1 s; 1,000 mails delivered <= 30 s. Uses a fresh SQLite database in a temporary
folder, or DATABASE_URL when set (its tables are then written to: use a scratch database).
"""

from __future__ import annotations

import argparse
import codecs
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def class_list(rows: int, run: int) -> bytes:
    lines = ["Full Name;E-Mail;User Type;Course Code"]
    lines += [f"Pupil {i} Ündërwood;pupil{run}-{i}@bench.test;student;BENCH-1" for i in range(rows)]
    return codecs.BOM_UTF8 + ("\r\n".join(lines) + "\r\n").encode("utf-8")


def peak_rss_mb(pid: int) -> float:
    """A live process's peak resident memory (Linux: VmHWM), 0 once it has exited."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def measure(function):
    """(result, seconds, peak RSS of this process so far in MB)."""
    started = time.perf_counter()
    result = function()
    elapsed = time.perf_counter() - started
    return result, elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1000, 5000])
    args = parser.parse_args()

    sys.path.insert(0, str(BASE_DIR))
    from elearning.testing.smtp import SMTPServer

    tmp = tempfile.TemporaryDirectory(prefix="elearning-bench-")
    smtp = SMTPServer().start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "elearning.settings",
        "DJANGO_DATA_DIR": tmp.name,
        "DJANGO_ALLOWED_HOSTS": "testserver,localhost",
        "DJANGO_LOG_LEVEL": "WARNING",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "INVITATIONS_DAILY_CAP": "1000000",
    }
    os.environ.update(env)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, env=env, check=True)
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    # Pages are rendered without collectstatic: static URLs from the finders' names.
    from django.test.utils import override_settings

    override_settings(
        STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    ).enable()

    from accounts.models import User
    from courses.models import Course
    from invitations.models import ImportBatch

    teacher = User.objects.create_user(username="bench_teacher", email="t@bench.test", role="teacher", full_name="Bench Teacher")
    Course.objects.create(teacher=teacher, title="Bench course", code="BENCH-1")
    client = Client()
    client.force_login(teacher)

    print(f"{'rows':>6} {'preview s':>10} {'confirm s':>10} {'mails s':>8} {'peak RSS MB':>12} {'worker RSS MB':>14}")
    for run, rows in enumerate(args.rows):
        data = class_list(rows, run)

        def preview():
            from django.core.files.uploadedfile import SimpleUploadedFile

            response = client.post("/accounts/invitations/bulk/", {"file": SimpleUploadedFile("class.csv", data)})
            assert response.status_code == 302, response.content[:500]
            page = client.get(response["Location"])
            assert page.status_code == 200 and f'data-count="invite">{rows}<' in page.content.decode()
            return response["Location"]

        location, preview_s, preview_peak = measure(preview)
        batch = ImportBatch.objects.latest("pk")

        def confirm():
            response = client.post(f"{location}confirm/")
            assert response.status_code == 302

        smtp.clear()
        _, confirm_s, confirm_peak = measure(confirm)
        started = time.perf_counter()
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--interval", "0", "-v", "0"],
            cwd=BASE_DIR, env=env,
        )
        worker_rss = 0.0
        while len(smtp.messages) < rows and time.perf_counter() - started < 600:
            worker_rss = max(worker_rss, peak_rss_mb(worker.pid))
            time.sleep(0.2)
        mails_s = time.perf_counter() - started
        worker_rss = max(worker_rss, peak_rss_mb(worker.pid))
        worker.wait(timeout=120)
        delivered = len(smtp.messages)
        progress = client.get(f"{location}progress/").json()
        print(
            f"{rows:>6} {preview_s:>10.2f} {confirm_s:>10.2f} {mails_s:>8.1f} {confirm_peak:>12.0f}"
            f" {worker_rss:>14.0f}   delivered {delivered}/{rows},"
            f" progress {progress['percent']}%, batch {batch.pk}"
        )
    smtp.stop()


if __name__ == "__main__":
    main()
