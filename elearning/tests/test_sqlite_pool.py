"""The SQLite backend that hands open connections from one request to the next."""

import threading

import pytest
from django.db import connection
from django.db.backends.signals import connection_created

from elearning.sqlite import base as pool

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backend only")


@pytest.fixture
def make_wrapper(tmp_path, django_db_blocker):
    """DatabaseWrappers of the pooled backend on a database file of this test's own."""
    with django_db_blocker.unblock():
        yield from _wrappers(tmp_path)


def _wrappers(tmp_path):
    settings_dict = {**connection.settings_dict, "ENGINE": "elearning.sqlite", "NAME": str(tmp_path / "pool.sqlite3")}
    made = []

    def make():
        wrapper = pool.DatabaseWrapper(dict(settings_dict), alias="pool_test")
        made.append(wrapper)
        return wrapper

    first = make()
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT)")
    first.close()
    yield make
    for wrapper in made:
        if wrapper.connection is not None:
            wrapper.in_atomic_block = False
            wrapper.close()
    pool.clear_pool()


def params(wrapper):
    return wrapper.get_connection_params()


def test_a_closed_connection_is_reused_by_the_next_request_in_another_thread(make_wrapper):
    first = make_wrapper()
    first.ensure_connection()
    raw = first.connection
    first.close()
    assert pool.pooled_count(params(first)) == 1

    seen = {}

    def request():  # Daphne runs each request's synchronous code in a thread of its own
        wrapper = make_wrapper()
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM item")
            seen["count"] = cursor.fetchone()[0]
        seen["raw"] = wrapper.connection
        wrapper.close()

    thread = threading.Thread(target=request)
    thread.start()
    thread.join()
    assert seen == {"count": 0, "raw": raw}
    assert pool.pooled_count(params(first)) == 1


def test_a_reused_connection_is_set_up_like_a_new_one(make_wrapper):
    """Autocommit, the transaction mode and the init PRAGMAs hold on a connection from the pool."""
    first = make_wrapper()
    first.ensure_connection()
    first.close()
    created = []
    connection_created.connect(lambda sender, connection, **kw: created.append(connection), weak=False)
    second = make_wrapper()
    with second.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 20000
    assert second.get_autocommit()
    assert created == [second]  # the connection_created signal still fires for each request


def test_work_left_uncommitted_is_rolled_back_before_the_connection_is_reused(make_wrapper):
    first = make_wrapper()
    first.ensure_connection()
    first.connection.execute("BEGIN")
    first.connection.execute("INSERT INTO item (name) VALUES ('half done')")
    first.close()
    second = make_wrapper()
    with second.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM item")
        assert cursor.fetchone()[0] == 0
    assert not second.connection.in_transaction


def test_a_connection_closed_inside_atomic_is_not_pooled(make_wrapper):
    first = make_wrapper()
    first.ensure_connection()
    first.in_atomic_block = True  # as transaction.atomic leaves it when the block is cut short
    first.close()
    assert pool.pooled_count(params(first)) == 0
    assert first.closed_in_transaction


def test_the_pool_keeps_a_bounded_number_of_idle_connections(make_wrapper):
    wrappers = [make_wrapper() for _ in range(pool.POOL_SIZE + 3)]
    for wrapper in wrappers:
        wrapper.ensure_connection()
    extra = wrappers[-1].connection
    for wrapper in wrappers:
        wrapper.close()
    assert pool.pooled_count(params(wrappers[0])) == pool.POOL_SIZE
    with pytest.raises(pool.Database.ProgrammingError):  # the ones over the bound are closed
        extra.execute("SELECT 1")
