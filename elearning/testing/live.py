"""Real Daphne processes for browser and cross-process tests, started through bin/serve."""

from __future__ import annotations

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
            self._watching = True
            threading.Thread(target=self._watch_worker, args=(env,), daemon=True).start()
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

    def _watch_worker(self, env: dict[str, str]) -> None:
        while self._watching:
            worker = self.worker
            if worker is not None and worker.poll() is not None and self._watching:
                self._start_worker(env)
            time.sleep(0.3)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
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
