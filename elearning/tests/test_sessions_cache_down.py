"""The session engine (elearning.sessions) with its cache down: a real Redis client pointed at a
port nothing listens on. Signed-in requests read the session from the database, signing in and
out still work; Django's own cached_db answered 500 for every signed-in request."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client, override_settings

from accounts.tests.factories import PASSWORD, StudentFactory
from elearning.testing.smtp import free_port

pytestmark = pytest.mark.django_db

CACHE_DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        "OPTIONS": {"socket_connect_timeout": 1},
    }
}


@pytest.fixture
def cache_down():
    with override_settings(CACHES=CACHE_DOWN):
        caches["default"].close()
        yield
    caches["default"].close()


def test_sessions_live_in_the_database_while_the_cache_is_down(cache_down):
    assert settings.SESSION_ENGINE == "elearning.sessions"
    student = StudentFactory()
    client = Client()
    # Signing in creates a session (a new key is checked against the cache and the database).
    response = client.post("/accounts/login/", {"username": student.username, "password": PASSWORD})
    assert response.status_code == 302
    # Reading it back: a signed-in page.
    assert client.get("/courses/").status_code == 200
    assert client.get("/courses/").context["user"] == student
    # Signing out deletes it.
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/courses/").context["user"].is_anonymous
