"""Fixtures shared by every app's tests: users per role, logged-in clients, live servers, browsers.

Browser tests take ``daphne_server`` (a real Daphne process on the test database), ``browser``
(Debian's Chromium) and ``page_as`` (a page logged in as a given user).
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from accounts.tests.factories import AdminFactory, StudentFactory, TeacherFactory


def pytest_collection_modifyitems(config, items):
    """Browser tests run last: fast tests fail first, and Playwright's event loop (it stays in
    the main thread once started) cannot disturb the async tests. Under pytest-xdist this needs
    its default ``--dist load``, which hands each worker tests in this order (``loadfile`` would
    run a file's browser tests with its others)."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session", autouse=True)
def close_stray_database_sessions(django_db_setup, django_db_blocker):
    """Before the test database is dropped, end the PostgreSQL sessions that worker threads of
    async tests (database_sync_to_async) left open; otherwise the drop fails with a warning."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """Each test gets its own channel layer object. Async tests each run in a new event loop,
    and a Redis layer's asyncio locks belong to the loop that made them: a lock left held by a
    cancelled receive in one test's loop fails the next test ("bound to a different event loop")."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def rate_windows_of_their_own(monkeypatch):
    """The shared fixed-window counters (elearning.ratelimit) see one moment, at the start of an
    hour chosen at random far ahead: a test never straddles a window's end (three posts in one
    minute and the fourth in the next were seen to pass a limit of three), and its counts start
    at zero although primary keys repeat between tests and between xdist workers sharing one
    Redis. Clearing the cache instead would flush what the other worker's tests are counting.
    Socket token buckets keep the real monotonic clock."""
    import random
    import time
    import types

    from elearning import ratelimit

    moment = (time.time() // 3600 + random.randrange(10**6, 10**9)) * 3600 + 0.5
    monkeypatch.setattr(ratelimit, "time", types.SimpleNamespace(time=lambda: moment, monotonic=time.monotonic))
    return moment


@pytest.fixture
def student(db):
    return StudentFactory(username="stella", full_name="Stella Student")


@pytest.fixture
def teacher(db):
    return TeacherFactory(username="tom", full_name="Tom Teacher")


@pytest.fixture
def other_teacher(db):
    return TeacherFactory(username="olga", full_name="Olga Otherteacher")


@pytest.fixture
def admin_user(db):
    return AdminFactory(username="ada", full_name="Ada Admin")


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def login():
    """``login(user)`` gives a Django test client with that user's session (None: anonymous)."""
    return client_for


# --- Real servers ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server on loopback for the whole run; tests clear it through ``mailbox``."""
    from elearning.testing.smtp import SMTPServer

    with SMTPServer() as server:
        yield server


@pytest.fixture
def mailbox(smtp_server):
    smtp_server.clear()
    return smtp_server


@pytest.fixture(scope="session")
def daphne_server(django_db_setup, django_db_blocker, smtp_server):
    """A Daphne process serving the test database, and a task worker beside it (as `make run`
    has), both sending mail to ``smtp_server``."""
    from elearning.testing.live import LiveServer

    server = LiveServer(
        extra_env={"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_server.port)}, worker=True
    )
    with server:
        yield server


# --- Browser --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright_instance():
    """Playwright's sync API keeps an event loop in the main thread from its start to the end of
    the run, so Django takes every ORM call a browser test makes between its steps for one made
    from async code. Django's check is switched off (DJANGO_ALLOW_ASYNC_UNSAFE) from here on
    only: browser tests run last, and every other test, the consumer tests above all, runs with
    the check, so a blocking call in a consumer handler fails them."""
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    from elearning.testing.browser import launch

    browser = launch(playwright_instance)
    yield browser
    browser.close()


@pytest.fixture
def new_page(browser, daphne_server, transactional_db):
    """``new_page(user=None, viewport=None, **context_options)``: a fresh browser context,
    optionally logged in (``context_options``: Playwright's, e.g. ``locale``, ``timezone_id``, or
    ``base_url`` for a server of the test's own)."""
    from elearning.testing.browser import watch_policy_violations

    contexts = []

    def make(user=None, viewport=None, **context_options):
        # Reduced motion: Bootstrap then drops its colour transitions, so axe's contrast check
        # never catches a button half-way through one (a hover under the resting mouse).
        options = {"base_url": daphne_server.url, "reduced_motion": "reduce", **context_options}
        context = browser.new_context(viewport=viewport, **options)
        context.set_default_timeout(10_000)
        watch_policy_violations(context)  # every look() then fails on a CSP violation
        if user is not None:
            client = client_for(user)
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                        "url": options["base_url"],
                    }
                ]
            )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """An anonymous visitor's page."""
    return new_page()


@pytest.fixture
def page_as(new_page):
    """``page_as(user)``: a page whose browser is logged in as ``user``."""
    return lambda user, viewport=None: new_page(user=user, viewport=viewport)
