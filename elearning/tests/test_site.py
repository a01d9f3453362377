"""Site-wide behaviour: configuration, database tuning, channel layer, error pages, assets."""

import os
import re
import secrets
import subprocess
import sys

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection
from django.test import RequestFactory
from django.views import defaults

BASE_DIR = settings.BASE_DIR


def run_manage(*args, env_overrides, tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "EMAIL_")) and key not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update({"DJANGO_SETTINGS_MODULE": "elearning.settings", "DJANGO_DATA_DIR": str(tmp_path)})
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )


PRODUCTION = {
    "DJANGO_DEBUG": "False",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "school.example",
    "DJANGO_HTTPS": "True",
}


def test_production_configuration_passes_the_deploy_check(tmp_path):
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_would_catch_a_plain_http_configuration(tmp_path):
    plain = {**PRODUCTION, "DJANGO_HTTPS": "False"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=plain, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stdout + result.stderr


def test_embedded_default_keeps_a_generated_secret_key(tmp_path):
    first = run_manage("shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)",
                       env_overrides={}, tmp_path=tmp_path)
    second = run_manage("shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)",
                        env_overrides={}, tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr
    assert len(first.stdout.strip()) >= 50
    assert first.stdout == second.stdout
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite tuning")
@pytest.mark.django_db
def test_sqlite_is_tuned_for_an_async_server():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 20000
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
    assert connection.transaction_mode == "IMMEDIATE"


def test_channel_layer_delivers_group_messages():
    """In-memory by default; with REDIS_URL this goes through the real Redis."""
    layer = get_channel_layer()
    expected = "PubSubChannelLayer" if settings.REDIS_URL else "InMemoryChannelLayer"
    assert type(layer).__name__ == expected

    async def round_trip():
        channel = await layer.new_channel()
        await layer.group_add("site.test", channel)
        await layer.group_send("site.test", {"type": "site.ping", "text": "hello"})
        message = await layer.receive(channel)
        await layer.group_discard("site.test", channel)
        return message

    assert async_to_sync(round_trip)() == {"type": "site.ping", "text": "hello"}


@pytest.mark.django_db
def test_unknown_pages_get_our_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_500_page_renders_without_a_request_context():
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_400_page_renders(rf=RequestFactory()):
    response = defaults.bad_request(rf.get("/"), Exception("bad"))
    assert response.status_code == 400
    assert "could not understand" in response.content.decode()


@pytest.mark.django_db
def test_pages_load_no_third_party_assets_and_send_security_headers(client):
    response = client.get("/")
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    external = [s for s in sources if re.match(r"^(https?:)?//", s)]
    assert external == []
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_vendored_assets_are_served_by_the_site(client):
    html = client.get("/").content.decode()
    for path in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        response = client.get(path)
        assert response.status_code == 200, path


def test_the_suite_runs_on_the_configured_database():
    """The PostgreSQL leg of CI must really be on PostgreSQL, not silently on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres", "pgsql")) else "sqlite"
    assert connection.vendor == expected
