"""Real Daphne processes for browser and cross-process tests, started through bin/serve."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings

from .smtp import free_port

BASE_DIR = Path(settings.BASE_DIR)


class LiveServer:
    """One ``bin/serve`` process on a free port, using the test database and settings."""

    def __init__(
        self, *, extra_env: dict[str, str] | None = None, port: int | None = None, worker: bool = False
    ):
        self.with_worker = worker  # also run `manage.py db_worker`, as `make run` does
        self._watching = False
        self._watch_id = 0
        self._worker_lock = threading.Lock()
        self.worker: subprocess.Popen | None = None
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen | None = None
        self.log_path = Path(settings.MEDIA_ROOT).parent / f"daphne-{self.port}.log"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "elearning.settings_test",
            "ELEARNING_LIVE_DB_NAME": str(settings.DATABASES["default"]["NAME"]),
            "DAPHNE_VERBOSITY": "0",
            "DJANGO_ALLOW_ASYNC_UNSAFE": "",
            "SITE_URL": self.url,  # links in e-mails the worker sends point here
            **self.extra_env,
        }

    def start(self, timeout: float = 30.0) -> LiveServer:
        env = self.env()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        if self.with_worker:
            self._start_worker(env)
            # Between tests the database is flushed under the worker; a task deleted while it
            # runs makes db_worker exit ("update_fields did not affect any rows"). A real
            # deployment restarts it (systemd, make run's shell); here a watcher does.
            self._watch(env)
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [str(BASE_DIR / "bin" / "serve"), "127.0.0.1", str(self.port)],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Daphne exited early:\n{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"Daphne did not start within {timeout}s:\n{self.log()}")

    def _start_worker(self, env: dict[str, str]) -> None:
        self.worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
            cwd=BASE_DIR,
            env=env,
            stdout=self.log_path.with_suffix(".worker.log").open("ab"),
            stderr=subprocess.STDOUT,
        )

    def _watch(self, env: dict[str, str]) -> None:
        self._watching = True
        self._watch_id += 1
        threading.Thread(target=self._watch_worker, args=(env, self._watch_id), daemon=True).start()

    def _watch_worker(self, env: dict[str, str], watch_id: int) -> None:
        while True:
            with self._worker_lock:
                if not self._watching or watch_id != self._watch_id:  # one watcher at a time
                    return
                if self.worker is not None and self.worker.poll() is not None:
                    self._start_worker(env)
            time.sleep(0.3)

    @contextlib.contextmanager
    def worker_paused(self):
        """No task worker of this server runs inside the block (another one, with other
        settings, should take the queued tasks); the watcher starts it again after."""
        with self._worker_lock:
            watching, self._watching = self._watching, False
            if self.worker is not None and self.worker.poll() is None:
                self.worker.terminate()
                self.worker.wait(timeout=10)
        try:
            yield
        finally:
            if watching:
                env = self.env()
                self._start_worker(env)
                self._watch(env)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        with self._worker_lock:
            self._watching = False
        for process in (self.process, self.worker):
            if process and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        self.process = self.worker = None

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
