"""Classroom benchmarks: real Daphne processes on Redis, real WebSocket clients; prints figures.

    REDIS_URL=redis://127.0.0.1:6379/0 .venv/bin/python -m bench.classroom [chat|audio|board|memory|flood|all]

Each run uses a fresh SQLite database under a temporary folder (or DATABASE_URL when set) and
its own Redis key prefix; nothing is asserted: the figures are for people to read and compare
with the goals (issue 4):

- chat: 1 sender -> 100 receivers on 2 processes: delivery 1.000, p99 <= 50 ms
- audio: 30 listeners, 60 s of 16 kHz PCM: <= 1.05 x 32,000 B/s per listener, 0 dropped
- board: late-join state at 500 actions <= 256 KiB; identical boards after 1,000 strokes with
  reconnects
- memory: one Daphne process holding 500 classroom sockets <= 250 MB
- flood: an observer's socket ping and HTTP chat poll, quiet vs while one user floods the board
  from 10 sockets under the site's real limits (issue 10 #8: observer HTTP p95 went 14 -> 55 ms
  and 8,220 strokes were stored in 10 s); printed side by side
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import websockets
from websockets.protocol import State

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Site:
    """A database with a course, a teacher and N students, and Daphne processes serving it."""

    def __init__(self, students: int, extra_env: dict[str, str] | None = None):
        self.tmp = tempfile.TemporaryDirectory(prefix="elearning-bench-")
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "elearning.settings",
            "DJANGO_DATA_DIR": self.tmp.name,
            "DJANGO_REDIS_PREFIX": f"bench{secrets.token_hex(4)}",
            "DJANGO_LOG_LEVEL": "WARNING",
            "DAPHNE_VERBOSITY": "0",
            # The benchmark measures delivery, not the per-socket flood limits.
            "CLASSROOM_CHAT_RATE": "10000",
            "CLASSROOM_CHAT_BURST": "10000",
            "CLASSROOM_BOARD_RATE": "10000",
            "CLASSROOM_BOARD_BURST": "10000",
            "CLASSROOM_USER_CHAT_LIMIT": "100000",
            "CLASSROOM_USER_BOARD_LIMIT": "100000",
            **(extra_env or {}),
        }
        os.environ.update({k: v for k, v in self.env.items() if k.startswith(("DJANGO_", "CLASSROOM_"))})
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=BASE_DIR, env=self.env, check=True
        )
        import django

        django.setup()
        self.course_id, self.teacher_cookie, self.student_cookies = self._populate(students)
        self.servers: list[tuple[subprocess.Popen, int]] = []

    @staticmethod
    def _populate(students: int):
        from django.conf import settings
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        from accounts.models import User
        from courses.models import Course, Enrollment

        def cookie(user) -> str:
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"

        tag = secrets.token_hex(3)
        teacher = User.objects.create(username=f"bench_t_{tag}", role=User.Role.TEACHER, password="!")
        course = Course.objects.create(teacher=teacher, title="Benchmark", code=f"BENCH-{tag}")
        users = User.objects.bulk_create(
            [User(username=f"bench_s_{tag}_{n}", role=User.Role.STUDENT, password="!") for n in range(students)]
        )
        Enrollment.objects.bulk_create([Enrollment(student=u, course=course) for u in users])
        return course.pk, cookie(teacher), [cookie(u) for u in users]

    def start(self, count: int) -> list[int]:
        ports = []
        for _ in range(count):
            port = free_port()
            process = subprocess.Popen(
                [str(BASE_DIR / "bin" / "serve"), "127.0.0.1", str(port)], cwd=BASE_DIR, env=self.env,
                stdout=open(Path(self.tmp.name) / f"daphne-{port}.log", "wb"), stderr=subprocess.STDOUT,
            )
            self.servers.append((process, port))
            ports.append(port)
        for process, port in self.servers:
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise RuntimeError(f"Daphne on {port} did not start")
                    time.sleep(0.1)
        return ports

    def close(self):
        for process, port in self.servers:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:  # still working through a backlog (flood)
                process.kill()
                process.wait(10)
            log = (Path(self.tmp.name) / f"daphne-{port}.log").read_text(errors="replace")
            if "Traceback" in log or "ERROR" in log:
                print(f"--- errors in the log of Daphne on {port} (last 3000 characters):\n{log[-3000:]}")
        self.tmp.cleanup()


class Client:
    """One classroom socket that keeps the messages it receives."""

    def __init__(self, port: int, course_id: int, cookie: str):
        self.url = f"ws://127.0.0.1:{port}/ws/classroom/{course_id}/"
        self.origin = f"http://127.0.0.1:{port}"
        self.cookie = cookie
        self.ws = None
        self.state = None

    async def connect(self):
        self.ws = await websockets.connect(
            self.url, origin=self.origin, additional_headers={"Cookie": self.cookie},
            max_size=2**22, open_timeout=60, ping_interval=None,
        )
        self.state = json.loads(await self.ws.recv())
        assert self.state["type"] == "state", self.state
        self.state_bytes = 0
        self.state["board"] = []
        for _ in range(self.state["board_pieces"]):
            frame = await self.ws.recv()
            self.state_bytes += len(frame)
            self.state["board"] += json.loads(frame)["elements"]
        return self

    async def close(self):
        await self.ws.close()


async def connect_all(clients, batch=25):
    for i in range(0, len(clients), batch):
        await asyncio.gather(*(c.connect() for c in clients[i : i + batch]))


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, math.ceil(p / 100 * len(values)) - 1))] if values else float("nan")


# --- Chat -----------------------------------------------------------------------------------


async def bench_chat(site: Site, ports, receivers=100, messages=100, rate=5.0):
    sender = await Client(ports[0], site.course_id, site.teacher_cookie).connect()
    clients = [Client(ports[i % 2], site.course_id, site.student_cookies[i]) for i in range(receivers)]
    await connect_all(clients)
    latencies: list[float] = []
    by_message: dict[int, list[float]] = {}
    received = [0] * receivers

    async def listen(index, client):
        async for frame in client.ws:
            if isinstance(frame, bytes):
                continue
            message = json.loads(frame)
            if message["type"] == "chat" and message["message"].startswith("bench "):
                _, seq, sent_at = message["message"].split()
                latency = (time.time() - float(sent_at)) * 1000
                latencies.append(latency)
                by_message.setdefault(int(seq), []).append(latency)
                received[index] += 1
                if int(seq) == messages - 1:
                    return

    listeners = [asyncio.create_task(listen(i, c)) for i, c in enumerate(clients)]
    await asyncio.sleep(3)  # let the class's join notices settle: the lesson starts after
    for seq in range(messages):
        await sender.ws.send(json.dumps({"type": "chat", "message": f"bench {seq} {time.time():.6f}"}))
        await asyncio.sleep(1 / rate)
    await asyncio.wait(listeners, timeout=15)
    for task in listeners:
        task.cancel()
    total = sum(received)
    print(f"chat: {messages} messages ({rate:g}/s) x {receivers} receivers on {len(ports)} processes")
    print(f"  delivered {total}/{messages * receivers} = {total / (messages * receivers):.3f}")
    print(f"  latency ms: p50 {percentile(latencies, 50):.1f}  p99 {percentile(latencies, 99):.1f}  max {max(latencies, default=float('nan')):.1f}")
    # Where the time goes: the first receiver of a message shows the path (socket, database,
    # layer); the spread to the last one shows the fan-out.
    firsts = [min(v) for v in by_message.values()]
    spreads = [max(v) - min(v) for v in by_message.values()]
    print(f"  first receiver ms: p50 {percentile(firsts, 50):.1f}  p99 {percentile(firsts, 99):.1f};"
          f"  first-to-last spread ms: p50 {percentile(spreads, 50):.1f}  p99 {percentile(spreads, 99):.1f}")
    for client in clients + [sender]:
        await client.close()


# --- Audio ----------------------------------------------------------------------------------


async def bench_audio(site: Site, ports, listeners=30, seconds=60, frame_ms=40):
    teacher = await Client(ports[0], site.course_id, site.teacher_cookie).connect()
    clients = [Client(ports[i % 2], site.course_id, site.student_cookies[i]) for i in range(listeners)]
    await connect_all(clients)
    counts = [[0, 0] for _ in clients]  # frames, bytes
    first_at = [None] * listeners
    last_at = [None] * listeners

    async def listen(index, client):
        async for frame in client.ws:
            if isinstance(frame, bytes):
                now = time.monotonic()
                first_at[index] = first_at[index] or now
                last_at[index] = now
                counts[index][0] += 1
                counts[index][1] += len(frame)

    tasks = [asyncio.create_task(listen(i, c)) for i, c in enumerate(clients)]
    await teacher.ws.send(json.dumps({"type": "audio", "state": "start"}))
    await asyncio.sleep(0.3)
    frame = (b"\x10\x27\xf0\xd8" * (16 * frame_ms // 2))  # a loud square wave, frame_ms long
    frames = int(seconds * 1000 / frame_ms)
    start = time.monotonic()
    for n in range(frames):  # paced like a real microphone
        await teacher.ws.send(frame)
        delay = start + (n + 1) * frame_ms / 1000 - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
    # Wait for what is still on its way: until no listener got anything for half a second.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(t and time.monotonic() - t < 0.5 for t in last_at):
        await asyncio.sleep(0.1)
    for task in tasks:
        task.cancel()
    sent_rate = frames * len(frame) / seconds
    rates = [c[1] / seconds for c in counts]
    dropped = [frames - c[0] for c in counts]
    print(f"audio: {listeners} listeners, {seconds} s of {frame_ms} ms PCM frames ({sent_rate:,.0f} B/s sent)")
    print(f"  bytes/s per listener: min {min(rates):,.0f}  mean {statistics.mean(rates):,.0f}  max {max(rates):,.0f}"
          f"  (= {max(rates) / 32000:.3f} x 32,000)")
    print(f"  dropped frames: total {sum(dropped)}  worst listener {max(dropped)}")
    for client in clients + [teacher]:
        await client.close()


# --- Whiteboard -----------------------------------------------------------------------------


def stroke_points(rng: random.Random, n=60):
    """A hand-drawn-looking curve: a smooth random walk of n points."""
    x, y = rng.uniform(0.1, 0.9), rng.uniform(0.1, 0.9)
    angle = rng.uniform(0, 2 * math.pi)
    points = []
    for _ in range(n):
        angle += rng.uniform(-0.35, 0.35)
        x = min(1, max(0, x + 0.006 * math.cos(angle)))
        y = min(1, max(0, y + 0.006 * math.sin(angle)))
        points += [round(x, 4), round(y, 4)]
    return points


async def draw_strokes(teacher: Client, count: int, rng: random.Random, start=0):
    for n in range(start, start + count):
        points = stroke_points(rng)
        sid = f"b{n}"
        for piece in range(0, len(points), 40):  # sent in pieces as a browser would, then ended
            await teacher.ws.send(json.dumps({
                "type": "draw", "sid": sid, "tool": "pen", "color": "#1d4f7a", "width": 4,
                "points": points[piece : piece + 40], "end": piece + 40 >= len(points),
            }))
        if n % 25 == 0:
            await asyncio.sleep(0)


async def stored(teacher: Client, sid: str):
    """Wait until the server has stored the teacher's stroke ``sid`` (its echo arrives)."""
    while True:
        frame = await teacher.ws.recv()
        if isinstance(frame, str):
            message = json.loads(frame)
            if message["type"] == "draw" and message.get("end") and message["sid"] == sid:
                return


class BoardModel:
    """What a page does with board messages (whiteboard.js), for comparing clients."""

    def __init__(self, client: Client):
        self.client = client
        self.apply_state(client.state)

    def apply_state(self, state):
        self.limit = state["board_limit"]
        self.elements = {e["id"]: e for e in state["board"]}

    def apply(self, message):
        kind = message["type"]
        if kind == "state":
            self.apply_state(message)
        elif kind == "draw" and message["end"]:
            self.elements[message["element"]["id"]] = message["element"]
            for old in sorted(self.elements)[: max(0, len(self.elements) - self.limit)]:
                del self.elements[old]
        elif kind == "undo":
            self.elements.pop(message["id"], None)
        elif kind == "clear":
            self.elements.clear()
        elif kind == "move" and message["id"] in self.elements:
            self.elements[message["id"]].update(dx=message["dx"], dy=message["dy"])

    def snapshot(self):
        return json.dumps([self.elements[k] for k in sorted(self.elements)], sort_keys=True)


async def bench_board(site: Site, ports, viewers=10, strokes=1000):
    rng = random.Random(4)
    teacher = await Client(ports[0], site.course_id, site.teacher_cookie).connect()
    started = time.monotonic()
    await draw_strokes(teacher, 500, rng)
    await stored(teacher, "b499")
    print(f"board: 500 strokes stored in {time.monotonic() - started:.1f} s")
    late = await Client(ports[1], site.course_id, site.student_cookies[0]).connect()
    print(f"board: late-join state with {len(late.state['board'])} elements (60-point strokes):"
          f" {late.state_bytes / 1024:.1f} KiB in {late.state['board_pieces']} board messages")
    await late.close()
    await teacher.ws.send(json.dumps({"type": "clear"}))
    while json.loads(await teacher.ws.recv())["type"] != "clear":
        pass

    # 1,000 strokes while viewers on both processes drop and reconnect.
    clients = [Client(ports[i % 2], site.course_id, site.student_cookies[i]) for i in range(viewers)]
    await connect_all(clients)
    models = [BoardModel(c) for c in clients]
    reconnects = 0
    done = asyncio.Event()

    async def follow(model: BoardModel):
        nonlocal reconnects
        while not done.is_set():
            try:
                frame = await asyncio.wait_for(model.client.ws.recv(), timeout=0.2)
            except asyncio.TimeoutError:
                continue
            except websockets.ConnectionClosed:
                await model.client.connect()
                model.apply_state(model.client.state)
                continue
            if isinstance(frame, str):
                model.apply(json.loads(frame))
            if rng.random() < 0.002:  # now and then a viewer's network drops: no closing handshake
                reconnects += 1
                model.client.ws.transport.abort()
        if model.client.ws.state is not State.OPEN:  # dropped at the very end: a page reconnects
            await model.client.connect()
            model.apply_state(model.client.state)

    followers = [asyncio.create_task(follow(m)) for m in models]
    await asyncio.sleep(0.5)
    for batch in range(0, strokes, 100):
        await draw_strokes(teacher, 100, rng, start=1000 + batch)
        await teacher.ws.send(json.dumps({"type": "undo"}))
        await stored(teacher, f"b{1000 + batch + 99}")
    await teacher.ws.send(json.dumps({"type": "ping"}))
    while json.loads(await teacher.ws.recv())["type"] != "pong":  # the last undo is through
        pass
    await asyncio.sleep(2.0)  # viewers drain what is on its way to them
    done.set()
    await asyncio.gather(*followers)
    fresh = await Client(ports[1], site.course_id, site.student_cookies[-1]).connect()
    reference = BoardModel(fresh).snapshot()
    same = sum(m.snapshot() == reference for m in models)
    print(f"board: {strokes} strokes (+{strokes // 100} undos), {viewers} viewers on {len(ports)} processes,"
          f" {reconnects} reconnects: {same}/{viewers} boards identical to a fresh joiner's"
          f" ({len(json.loads(reference))} elements)")
    for client in clients + [teacher, fresh]:
        await client.close()


# --- Memory ---------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def bench_memory(site: Site, sockets=500):
    (port,) = site.start(1)
    pid = site.servers[-1][0].pid
    warm = await Client(port, site.course_id, site.teacher_cookie).connect()
    before = rss_mb(pid)
    clients = [Client(port, site.course_id, site.student_cookies[i]) for i in range(sockets)]
    started, server_cpu, client_cpu = time.monotonic(), cpu_seconds(pid), time.process_time()
    await connect_all(clients, batch=20)
    elapsed = time.monotonic() - started
    server_cpu, client_cpu = cpu_seconds(pid) - server_cpu, time.process_time() - client_cpu
    await asyncio.sleep(2)
    after = rss_mb(pid)
    print(f"memory: one Daphne process, {sockets} classroom sockets (connected in {elapsed:.1f} s):"
          f" RSS {before:.0f} MB before -> {after:.0f} MB after ({(after - before) * 1024 / sockets:.0f} KiB per socket)")
    print(f"  CPU while connecting: Daphne {server_cpu:.1f} s, the benchmark's clients {client_cpu:.1f} s")
    for client in clients + [warm]:
        await client.close()


# --- Flood ----------------------------------------------------------------------------------

# The site's own limits (elearning/settings.py), not the delivery benchmarks' raised ones.
REAL_LIMITS = {
    "CLASSROOM_CHAT_RATE": "1", "CLASSROOM_CHAT_BURST": "8", "CLASSROOM_BOARD_RATE": "90", "CLASSROOM_BOARD_BURST": "180",
    "CLASSROOM_USER_CHAT_LIMIT": "15", "CLASSROOM_USER_BOARD_LIMIT": "240",
}


async def observe(port: int, site: Site, seconds: float, cookie: str) -> tuple[list[float], list[float]]:
    """An observer's socket ping round trips and HTTP chat polls (ms) for ``seconds``."""
    import http.client

    observer = await Client(port, site.course_id, cookie).connect()
    pings: list[float] = []
    polls: list[float] = []

    def poll() -> float:
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", f"/courses/{site.course_id}/classroom/messages/?after=0", headers={"Cookie": cookie})
        response = connection.getresponse()
        response.read()
        connection.close()
        assert response.status == 200, response.status
        return (time.perf_counter() - started) * 1000

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        started = time.perf_counter()
        await observer.ws.send(json.dumps({"type": "ping"}))
        while True:
            frame = await observer.ws.recv()
            if isinstance(frame, str) and json.loads(frame)["type"] == "pong":
                break
        pings.append((time.perf_counter() - started) * 1000)
        polls.append(await asyncio.to_thread(poll))
        await asyncio.sleep(0.15)  # about 5 pings a second: well inside the "other" limit
    await observer.close()
    return pings, polls


async def flood_board(port: int, course_id: int, cookie: str, sockets: int, seconds: float) -> dict:
    """One user (the teacher) drawing as fast as the sockets take it, from ``sockets`` sockets,
    for ``seconds``, reconnecting whenever the server closes one."""
    from collections import Counter

    rng = random.Random(7)
    stats: Counter = Counter()
    end = time.monotonic() + seconds

    async def one(index: int):
        n = 0
        while time.monotonic() < end:
            client = Client(port, course_id, cookie)
            try:
                await client.connect()
            except websockets.InvalidStatus:
                stats["refused at handshake"] += 1
                await asyncio.sleep(0.2)
                continue
            except websockets.ConnectionClosed as closed:
                stats[f"closed {closed.rcvd.code if closed.rcvd else '?'} on entry"] += 1
                await asyncio.sleep(0.2)
                continue

            async def read():
                async for frame in client.ws:
                    if isinstance(frame, str):
                        message = json.loads(frame)
                        if message["type"] == "error":
                            stats["error notices"] += 1

            reader = asyncio.create_task(read())
            try:
                while time.monotonic() < end:
                    points = stroke_points(rng, n=60)
                    for piece in range(0, len(points), 40):
                        await client.ws.send(json.dumps({
                            "type": "draw", "sid": f"f{index}x{n}", "tool": "pen", "color": "#aa0000", "width": 3,
                            "points": points[piece : piece + 40], "end": piece + 40 >= len(points),
                        }))
                        stats["frames sent"] += 1
                    n += 1
                    await asyncio.sleep(0)
            except websockets.ConnectionClosed as closed:
                stats[f"closed {closed.rcvd.code if closed.rcvd else '?'}"] += 1
            reader.cancel()
            await client.ws.close()
            await asyncio.sleep(0.2)

    await asyncio.gather(*(one(i) for i in range(sockets)))
    return dict(stats)


def run_flooder(port, course_id, cookie, sockets, seconds, results):
    """The flooder in a process of its own: in the observer's event loop it would slow the
    observer's own measurements."""
    stats = asyncio.run(flood_board(port, course_id, cookie, sockets, seconds))
    stats["flooding client CPU ms"] = round(time.process_time() * 1000)
    results.put(stats)


async def bench_flood(site: Site, ports, seconds=10, sockets=10, rounds=2):
    """Quiet and flooded phases alternate (``rounds`` each, ``seconds`` / ``rounds`` long), so
    that the machine's other work weighs on both columns alike."""
    import multiprocessing
    from collections import Counter

    from django.db.models import Max

    from classroom.models import WhiteboardAction

    def last_action_id() -> int:
        return WhiteboardAction.objects.aggregate(last=Max("id"))["last"] or 0

    context = multiprocessing.get_context("spawn")
    flooded_pid = next(process.pid for process, port in site.servers if port == ports[0])
    flooded_cpu = 0.0
    stored = 0
    observer_cookie = site.student_cookies[0]
    quiet: tuple[list, list] = ([], [])
    loud: tuple[list, list] = ([], [])
    stats: Counter = Counter()
    phase = seconds / rounds
    for _ in range(rounds):
        for column, into in ((quiet, None), (loud, True)):
            flooder = results = None
            if into:
                results = context.Queue()
                flooder = context.Process(
                    target=run_flooder, args=(ports[0], site.course_id, site.teacher_cookie, sockets, phase + 1.5, results)
                )
                first_id, cpu_before = await asyncio.to_thread(last_action_id), cpu_seconds(flooded_pid)
                flooder.start()
                await asyncio.sleep(1.5)  # the flood is under way
            pings, polls = await observe(ports[1], site, phase, observer_cookie)
            column[0].extend(pings)
            column[1].extend(polls)
            if flooder:
                stats.update(await asyncio.to_thread(results.get))
                flooder.join()
                flooded_cpu += cpu_seconds(flooded_pid) - cpu_before
                stored += await asyncio.to_thread(last_action_id) - first_id
            await asyncio.sleep(1)  # the servers catch up before the next phase
    print(f"flood: one user drawing from {sockets} sockets on process 1; an observer on process 2"
          f" ({seconds} s of each, in {rounds} alternating rounds; the site's real limits)")
    print(f"  {'':30}{'quiet':>10}{'one user flooding':>20}")
    for name, index in (("observer socket ping ms", 0), ("observer HTTP chat poll ms", 1)):
        for p in (50, 95, 99):
            print(f"  {name + f' p{p}':30}{percentile(quiet[index], p):>10.1f}{percentile(loud[index], p):>20.1f}")
    print(f"  observer samples: {len(quiet[0])} quiet, {len(loud[0])} flooding")
    client_cpu = stats.pop("flooding client CPU ms", 0) / 1000
    print("  flooder: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.items())))
    flood_seconds = rounds * (phase + 1.5)
    print(f"  strokes stored from the flood: {stored} in {flood_seconds:.0f} s;"
          f" CPU of the flooded Daphne: {flooded_cpu:.1f} s in those {flood_seconds:.0f} s;"
          f" of the flooding client: {client_cpu:.1f} s (on {os.cpu_count()} cores)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("which", nargs="?", default="all", choices=["chat", "audio", "board", "memory", "flood", "all"])
    parser.add_argument("--audio-seconds", type=int, default=60)
    parser.add_argument("--chat-rate", type=float, default=5.0, help="messages per second the sender sends")
    parser.add_argument("--receivers", type=int, default=100, help="chat receivers (split over 2 processes)")
    parser.add_argument("--flood-seconds", type=int, default=10, help="observed seconds of each column (flood)")
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        sys.exit("Set REDIS_URL (e.g. redis://127.0.0.1:6379/0): the benchmarks run several processes.")
    sys.path.insert(0, str(BASE_DIR))
    which = ["chat", "audio", "board", "memory", "flood"] if args.which == "all" else [args.which]
    if "flood" in which and len(which) > 1:
        which.remove("flood")  # under the real limits: a site of its own (run it alone)
        print("flood: run it alone (`bench.classroom flood`): it needs the site's real limits")
    students = 500 if "memory" in which else 100
    site = Site(students, REAL_LIMITS if which == ["flood"] else None)
    try:
        for name in which:
            if name == "memory":
                asyncio.run(bench_memory(site))
                continue
            ports = site.start(2) if len(site.servers) < 2 else [p for _, p in site.servers[:2]]
            if name == "chat":
                asyncio.run(bench_chat(site, ports, receivers=args.receivers, rate=args.chat_rate))
            elif name == "audio":
                asyncio.run(bench_audio(site, ports, seconds=args.audio_seconds))
            elif name == "board":
                asyncio.run(bench_board(site, ports))
            elif name == "flood":
                asyncio.run(bench_flood(site, ports, seconds=args.flood_seconds, rounds=max(2, args.flood_seconds // 5)))
    finally:
        site.close()


if __name__ == "__main__":
    main()
