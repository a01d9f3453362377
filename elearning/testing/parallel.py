"""Run one function from many threads at the same instant: double clicks and races, for real."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def run_parallel(action: Callable[[], object], times: int) -> tuple[list[object], list[BaseException]]:
    """Call ``action`` from ``times`` threads released together; return (results, errors).

    Each thread has its own database connection (closed at the end), as parallel requests do.
    """
    barrier = threading.Barrier(times)
    results: list[object] = []
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait()
            results.append(action())
        except BaseException as error:  # noqa: BLE001 — handed back to the test to assert on
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
