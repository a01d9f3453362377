"""The main pages under concurrent clients, side by side with the site's own 404 page; prints a table.

    .venv/bin/python -m bench.pages [--clients 20] [--seconds 5] [--warmup 1] [--rounds 1]
                                    [--only NAME ...] [--profile-pid-file PATH]

Sets up a fresh embedded-default site in a temporary folder (SQLite, the in-memory channel
layer, `manage.py migrate`, `load_demo`, `collectstatic`), starts ONE Daphne process through
bin/serve with DJANGO_DEBUG off, logs the demo users in through the login form, then sends
GET requests from N concurrent clients (threads, one keep-alive connection each) to one page
at a time for a bounded time, after a warm-up. Every page is measured in every round (rounds
interleave the pages, so a neighbour taking the CPU for a while hurts all of them alike) and
the figures pool the rounds.

The 404 page (an unknown URL, anonymous: full middleware, a small template) is the baseline;
the same page signed in shows what every signed-in page pays before its own work (the user,
the navbar's badge and menu);
the ratio column is the page's requests/s over the 404 page's in the same run. The goal
(issue 9): every page at 0.40 or more. "CPU ms" is the server process's CPU time (user +
system, from /proc) per request while the page was measured: unlike requests/s it hardly
moves when other programs share the machine, so it is the figure to compare between runs.
Absolute figures depend on the machine and on whatever else runs on it. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from bench.classroom import free_port

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = str(BASE_DIR / ".venv" / "bin" / "python")

# Looked up after load_demo: the demo course with enrolled students, materials and feedback.
DEMO_COURSE_CODE = "MATH-7B"


@dataclass
class Page:
    name: str
    path: str
    user: str | None  # a demo username, or None for a visitor
    status: int = 200


@dataclass
class Result:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    cpu: float = 0.0  # seconds of the server process's CPU time (user + system) spent meanwhile

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (from /proc; 0 where there is none)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def demo_password() -> str:
    source = (BASE_DIR / "elearning" / "management" / "commands" / "load_demo.py").read_text()
    return re.search(r'DEMO_PASSWORD = "([^"]+)"', source).group(1)


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True, capture_output=capture, text=True
    )
    return done.stdout if capture else ""


def cookies_of(response: http.client.HTTPResponse) -> dict[str, str]:
    jar = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def log_in(port: int, username: str, password: str) -> str:
    """Log in through the real login form (CSRF, axes, the session); returns the Cookie header."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/accounts/login/")
    response = connection.getresponse()
    body = response.read().decode()
    jar = cookies_of(response)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password})
    connection.request(
        "POST", "/accounts/login/", body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
            "Referer": f"http://127.0.0.1:{port}/accounts/login/",
        },
    )
    response = connection.getresponse()
    response.read()
    jar.update(cookies_of(response))
    connection.close()
    if response.status != 302 or "sessionid" not in jar:
        raise RuntimeError(f"logging in {username} failed: HTTP {response.status}")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def hammer(port: int, pid: int, page: Page, cookie: str | None, clients: int, seconds: float) -> Result:
    """N threads, each with one keep-alive connection, GET the page until the time is up."""
    result = Result()
    lock = threading.Lock()
    start_line = threading.Barrier(clients + 1)
    headers = {"Cookie": cookie} if cookie else {}
    stop_at = [0.0]

    def client():
        latencies, count, errors = [], 0, 0
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        start_line.wait()
        while (now := time.perf_counter()) < stop_at[0]:
            try:
                connection.request("GET", page.path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != page.status:
                    errors += 1
                if response.will_close:
                    connection.close()
            except (OSError, http.client.HTTPException):
                errors += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            latencies.append(time.perf_counter() - now)
            count += 1
        connection.close()
        with lock:
            result.requests += count
            result.errors += errors
            result.latencies.extend(latencies)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + seconds
    started, cpu_started = time.perf_counter(), cpu_seconds(pid)
    start_line.wait()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    result.cpu = cpu_seconds(pid) - cpu_started
    return result


def wait_for(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/accounts/login/")
            connection.getresponse().read()
            connection.close()
            return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("Daphne did not start")
            time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (threads)")
    parser.add_argument("--seconds", type=float, default=5.0, help="measured time per page and round")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured time per page before round 1")
    parser.add_argument("--rounds", type=int, default=1, help="rounds over every page (figures pool them)")
    parser.add_argument("--only", nargs="*", default=None, help="measure only these pages (and the 404)")
    parser.add_argument(
        "--profile-pid-file", default="",
        help="write the server's process id here and wait for Enter before measuring (to attach py-spy)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="elearning-bench-") as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "elearning.settings",
            "DJANGO_DATA_DIR": tmp,
            "DJANGO_STATIC_ROOT": str(Path(tmp) / "static"),
            "DJANGO_DEBUG": "False",
            "DJANGO_LOG_LEVEL": "WARNING",
            "DAPHNE_VERBOSITY": "0",
        }
        for name in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "EMAIL_HOST"):
            env.pop(name, None)
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "load_demo", capture=True)
        manage(env, "collectstatic", "--noinput", "-v", "0")
        course = manage(
            env, "shell", "-c",
            f"from courses.models import Course; print(Course.objects.get(code={DEMO_COURSE_CODE!r}).pk)",
            capture=True,
        ).strip().splitlines()[-1]

        pages = [
            Page("404 page (baseline)", "/no-such-page/", None, status=404),
            Page("404 page, signed in", "/no-such-page/", "alice", status=404),
            Page("landing", "/", None),
            Page("catalogue", "/courses/", None),
            Page("course page, student", f"/courses/{course}/", "alice"),
            Page("course page, teacher", f"/courses/{course}/", "teacher"),
            Page("dashboard, student", "/", "alice"),
            Page("dashboard, teacher", "/", "teacher"),
            Page("roster", f"/courses/{course}/roster/", "teacher"),
            Page("notification centre", "/notifications/", "teacher"),
        ]
        if args.only:
            pages = [pages[0]] + [p for p in pages[1:] if any(word in p.name for word in args.only)]

        port = free_port()
        log_path = Path(tmp) / "daphne.log"
        with log_path.open("wb") as log:
            server = subprocess.Popen(
                [str(BASE_DIR / "bin" / "serve"), "127.0.0.1", str(port)], cwd=BASE_DIR, env=env,
                stdout=log, stderr=subprocess.STDOUT,
            )
        try:
            wait_for(port, server)
            password = demo_password()
            cookies = {user: log_in(port, user, password) for user in {p.user for p in pages if p.user}}
            if args.profile_pid_file:
                Path(args.profile_pid_file).write_text(str(server.pid))
                input(f"Daphne is process {server.pid}; press Enter to measure ")
            for page in pages:  # warm-up: templates compiled, caches filled, connections open
                hammer(port, server.pid, page, cookies.get(page.user), args.clients, args.warmup)
            results = {page.name: Result() for page in pages}
            for _ in range(args.rounds):
                for page in pages:
                    measured = hammer(port, server.pid, page, cookies.get(page.user), args.clients, args.seconds)
                    pooled = results[page.name]
                    pooled.requests += measured.requests
                    pooled.errors += measured.errors
                    pooled.seconds += measured.seconds
                    pooled.cpu += measured.cpu
                    pooled.latencies.extend(measured.latencies)
        finally:
            server.terminate()
            server.wait(10)
            output = log_path.read_text(errors="replace")
            if "Traceback" in output or "ERROR" in output:
                print(f"--- errors in the Daphne log (last 3000 characters):\n{output[-3000:]}")

    baseline = results[pages[0].name].rate
    print(
        f"{args.clients} clients, {args.seconds:g} s x {args.rounds} round(s) per page, one Daphne process, "
        f"DEBUG off, SQLite, demo data"
    )
    print(f"{'page':<24} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'ratio':>6} {'CPU ms':>7} {'errors':>6}")
    for page in pages:
        r = results[page.name]
        cpu_per_request = 1000 * r.cpu / r.requests if r.requests else float("nan")
        print(
            f"{page.name:<24} {r.rate:>7.0f} {r.percentile(0.50):>7.1f} {r.percentile(0.95):>7.1f} "
            f"{r.rate / baseline if baseline else 0:>6.2f} {cpu_per_request:>7.2f} {r.errors:>6}"
        )
    if any(r.errors for r in results.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
