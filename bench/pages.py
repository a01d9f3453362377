"""The main pages under concurrent clients, side by side with the site's own 404 page; prints a table.

    .venv/bin/python -m bench.pages [--clients 20] [--seconds 5] [--warmup 1] [--rounds 1]
                                    [--only NAME ...] [--against CHECKOUT] [--profile-pid-file PATH]

Sets up a fresh embedded-default site in a temporary folder (SQLite, the in-memory channel
layer, `manage.py migrate`, `load_demo`, `collectstatic`), starts ONE Daphne process through
bin/serve with DJANGO_DEBUG off, logs the demo users in through the login form, then sends
GET requests from N concurrent clients (threads, one keep-alive connection each) to one page
at a time for a bounded time, after a warm-up. Every page is measured in every round (rounds
interleave the pages, so a neighbour taking the CPU for a while hurts all of them alike) and
the figures pool the rounds. With --against (say a worktree of main: `git worktree add
/tmp/main main`, with a .venv link) that checkout gets a site and a server of its own, and the
two are measured in alternating slices: before/after figures that saw the same neighbours.

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
import contextlib
import http.client
import os
import re
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


def manage(base: Path, env: dict[str, str], *args: str, capture: bool = False) -> str:
    done = subprocess.run(
        [str(base / ".venv" / "bin" / "python"), "manage.py", *args],
        cwd=base, env=env, check=True, capture_output=capture, text=True,
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


def main_pages(course: str) -> list[Page]:
    return [
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


class Site:
    """One checkout's site: a fresh data folder with the demo data, and its Daphne process."""

    def __init__(self, base: Path, tmp: str, only: list[str] | None):
        self.base, self.tmp = base, Path(tmp)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "elearning.settings",
            "DJANGO_DATA_DIR": tmp,
            "DJANGO_STATIC_ROOT": str(self.tmp / "static"),
            "DJANGO_DEBUG": "False",
            "DJANGO_LOG_LEVEL": "WARNING",
            "DAPHNE_VERBOSITY": "0",
        }
        for name in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "EMAIL_HOST"):
            self.env.pop(name, None)
        manage(base, self.env, "migrate", "--noinput", "-v", "0")
        manage(base, self.env, "load_demo", capture=True)
        manage(base, self.env, "collectstatic", "--noinput", "-v", "0")
        course = manage(
            base, self.env, "shell", "-c",
            f"from courses.models import Course; print(Course.objects.get(code={DEMO_COURSE_CODE!r}).pk)",
            capture=True,
        ).strip().splitlines()[-1]
        self.pages = main_pages(course)
        if only:
            self.pages = [self.pages[0]] + [p for p in self.pages[1:] if any(word in p.name for word in only)]
        self.results = {page.name: Result() for page in self.pages}
        self.server: subprocess.Popen | None = None

    def start(self) -> None:
        self.port = free_port()
        self.log_path = self.tmp / "daphne.log"
        with self.log_path.open("wb") as log:
            self.server = subprocess.Popen(
                [str(self.base / "bin" / "serve"), "127.0.0.1", str(self.port)], cwd=self.base, env=self.env,
                stdout=log, stderr=subprocess.STDOUT,
            )
        wait_for(self.port, self.server)
        password = demo_password()
        self.cookies = {user: log_in(self.port, user, password) for user in {p.user for p in self.pages if p.user}}

    def measure(self, page: Page, clients: int, seconds: float, keep: bool = True) -> None:
        measured = hammer(self.port, self.server.pid, page, self.cookies.get(page.user), clients, seconds)
        if keep:
            pooled = self.results[page.name]
            pooled.requests += measured.requests
            pooled.errors += measured.errors
            pooled.seconds += measured.seconds
            pooled.cpu += measured.cpu
            pooled.latencies.extend(measured.latencies)

    def stop(self) -> None:
        if self.server is None:
            return
        self.server.terminate()
        self.server.wait(10)
        output = self.log_path.read_text(errors="replace")
        if "Traceback" in output or "ERROR" in output:
            print(f"--- errors in the Daphne log of {self.base} (last 3000 characters):\n{output[-3000:]}")

    def row(self, page: Page) -> str:
        r, baseline = self.results[page.name], self.results[self.pages[0].name].rate
        cpu_per_request = 1000 * r.cpu / r.requests if r.requests else float("nan")
        return (
            f"{r.rate:>7.0f} {r.percentile(0.50):>7.1f} {r.percentile(0.95):>7.1f} "
            f"{r.rate / baseline if baseline else 0:>6.2f} {cpu_per_request:>7.2f} {r.errors:>6}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (threads)")
    parser.add_argument("--seconds", type=float, default=5.0, help="measured time per page and round")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured time per page before round 1")
    parser.add_argument("--rounds", type=int, default=1, help="rounds over every page (figures pool them)")
    parser.add_argument("--only", nargs="*", default=None, help="measure only these pages (and the 404)")
    parser.add_argument(
        "--against", default="",
        help="another checkout (e.g. a worktree of main) served too and measured in alternating slices",
    )
    parser.add_argument(
        "--profile-pid-file", default="",
        help="write the server's process id here and wait for Enter before measuring (to attach py-spy)",
    )
    args = parser.parse_args()

    with contextlib.ExitStack() as stack:
        bases = [BASE_DIR] + ([Path(args.against).resolve()] if args.against else [])
        sites = []
        for base in bases:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="elearning-bench-"))
            site = Site(base, tmp, args.only)
            stack.callback(site.stop)
            site.start()
            sites.append(site)
        if args.profile_pid_file:
            Path(args.profile_pid_file).write_text(str(sites[0].server.pid))
            input(f"Daphne is process {sites[0].server.pid}; press Enter to measure ")
        for site in sites:  # warm-up: templates compiled, caches filled, connections open
            for page in site.pages:
                site.measure(page, args.clients, args.warmup, keep=False)
        for round_number in range(args.rounds):
            for index in range(len(sites[0].pages)):
                # Alternate which checkout goes first, so neither always follows the other.
                for site in sites if round_number % 2 == 0 else sites[::-1]:
                    site.measure(site.pages[index], args.clients, args.seconds)

    print(
        f"{args.clients} clients, {args.seconds:g} s x {args.rounds} round(s) per page, one Daphne process per "
        f"checkout, DEBUG off, SQLite, demo data"
    )
    header = f"{'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'ratio':>6} {'CPU ms':>7} {'errors':>6}"
    if len(sites) == 1:
        print(f"{'page':<24} {header}")
        for page in sites[0].pages:
            print(f"{page.name:<24} {sites[0].row(page)}")
    else:
        print(f"{'':<24} {'this checkout':<46} | {args.against}")
        print(f"{'page':<24} {header} | {header}")
        for page, other in zip(sites[0].pages, sites[1].pages):
            print(f"{page.name:<24} {sites[0].row(page)} | {sites[1].row(other)}")
    if any(r.errors for site in sites for r in site.results.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
