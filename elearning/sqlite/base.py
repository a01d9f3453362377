"""Django's SQLite backend, with the connections of a finished request kept for the next one.

Under Daphne every request runs its synchronous code in a thread of its own (asgiref's
per-request thread-sensitive context), so Django's thread-local connections, and with them
CONN_MAX_AGE, last one request. A fresh SQLite connection is not cheap: its first statement
reads and parses the whole schema, the init PRAGMAs run again, and closing the last connection
of a WAL database checkpoints and deletes the -wal file that the next request creates again.
Measured on the demo database: about 1.5 ms per request, as much as rendering the whole 404
page (bench/pages.py; README "Performance").

Here ``close()`` at the end of a request hands the open sqlite3 connection back to a small
per-process pool instead of closing it, and the next ``connect()`` takes it from there: each
connection is used by one thread at a time (Django opens SQLite connections with
``check_same_thread=False``; the pool hands a connection to one wrapper only). A connection is
only kept when it is outside any transaction: one closed inside ``atomic`` or in the middle of
a transaction is rolled back or really closed. In-memory databases are never pooled.
"""

from __future__ import annotations

import threading

from django.db.backends.sqlite3 import base

Database = base.Database

# Idle connections kept per database file. A page being rendered holds one; more idle ones
# than concurrent requests never help, and each may keep a page cache of up to 2 MB.
POOL_SIZE = 8

_pools: dict[str, list] = {}
_lock = threading.Lock()


def _key(conn_params: dict) -> str:
    return repr(sorted(conn_params.items()))


def pooled_count(conn_params: dict) -> int:
    """How many idle connections the pool holds for these parameters (tests and benchmarks)."""
    with _lock:
        return len(_pools.get(_key(conn_params), ()))


def clear_pool() -> None:
    """Really close every idle connection (e.g. before a database file is replaced)."""
    with _lock:
        idle = [conn for pool in _pools.values() for conn in pool]
        _pools.clear()
    for conn in idle:
        conn.close()


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        if not self.is_in_memory_db():
            key = _key(conn_params)
            with _lock:
                pool = _pools.get(key)
                conn = pool.pop() if pool else None
            if conn is not None:
                self._pool_key = key
                return conn
            self._pool_key = key
        return super().get_new_connection(conn_params)

    def _close(self):
        conn = self.connection
        key = getattr(self, "_pool_key", None)
        if conn is None or key is None or self.in_atomic_block or self.is_in_memory_db():
            return super()._close()
        try:
            if conn.in_transaction:
                conn.rollback()
        except Database.Error:
            return super()._close()
        with _lock:
            pool = _pools.setdefault(key, [])
            if len(pool) < POOL_SIZE:
                pool.append(conn)
                return None
        return super()._close()
