"""Client addresses behind reverse proxies: only the proxies we trust are believed."""

from __future__ import annotations

import secrets
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings
from django.test import Client

from accounts.tests.factories import PASSWORD, StudentFactory
from elearning.proxies import client_address, parse_networks
from elearning.testing.live import LiveServer

TRUSTED = parse_networks(["10.0.0.5", "192.168.50.0/24"])
LOGIN = "/accounts/login/"


@pytest.mark.parametrize(
    "remote,forwarded,expected",
    [
        ("203.0.113.9", "", "203.0.113.9"),  # no proxy
        ("203.0.113.9", "1.2.3.4", "203.0.113.9"),  # a client's own header, not from our proxy
        ("10.0.0.5", "198.51.100.7", "198.51.100.7"),  # our proxy appended the client
        ("10.0.0.5", "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the client wrote 6.6.6.6
        ("10.0.0.5", "6.6.6.6, 198.51.100.7, 192.168.50.2", "198.51.100.7"),  # two proxies
        ("10.0.0.5", "6.6.6.6, junk, 198.51.100.7", "198.51.100.7"),
        ("10.0.0.5", "junk", "10.0.0.5"),
        ("10.0.0.5", "[2001:db8::1]:443", "2001:db8::1"),
        ("10.0.0.5", "192.168.50.2", "192.168.50.2"),  # only proxies: the farthest one
    ],
)
def test_client_address(remote, forwarded, expected):
    assert client_address(remote, forwarded, TRUSTED)[: len(expected)] == expected


def test_no_trusted_proxies_means_the_header_is_ignored():
    assert client_address("203.0.113.9", "1.2.3.4", []) == "203.0.113.9"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]


def through_proxy(client_writes: str, real_client: str) -> Client:
    """A browser behind nginx: it may write any X-Forwarded-For; nginx appends the real one."""
    return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"{client_writes}, {real_client}")


@pytest.mark.django_db
def test_rotating_forwarded_addresses_does_not_dodge_the_login_throttle(behind_proxy):
    student = StudentFactory()
    statuses = []
    for attempt in range(12):
        client = through_proxy(f"10.9.{attempt}.1", "198.51.100.7")
        statuses.append(client.post(LOGIN, {"username": student.username, "password": "guess"}).status_code)
    assert statuses.count(429) >= 12 - settings.AXES_FAILURE_LIMIT
    right = through_proxy("10.9.99.1", "198.51.100.7").post(LOGIN, {"username": student.username, "password": PASSWORD})
    assert right.status_code == 429


@pytest.mark.django_db
def test_an_attacker_cannot_lock_a_victim_out_by_writing_their_address(behind_proxy):
    student = StudentFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        through_proxy("203.0.113.50", "198.51.100.66").post(LOGIN, {"username": student.username, "password": "x"})
    victim = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.50")
    assert victim.post(LOGIN, {"username": student.username, "password": PASSWORD}).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_through_a_real_server_with_proxy_headers_on(smtp_server):
    """bin/serve with PROXY_HEADERS=1, as behind nginx on the same host: 12 wrong passwords
    from rotating left-most X-Forwarded-For values, then the right one, stay locked out.
    (Daphne's --proxy-headers believed the left-most value: the 13th try logged in.)"""
    student = StudentFactory()
    csrf = secrets.token_hex(16)
    with LiveServer(extra_env={"PROXY_HEADERS": "1", "TRUSTED_PROXIES": ""}) as server:

        def login(password: str, forwarded: str) -> int:
            body = urllib.parse.urlencode(
                {"csrfmiddlewaretoken": csrf, "username": student.username, "password": password}
            ).encode()
            request = urllib.request.Request(f"{server.url}{LOGIN}", data=body, method="POST")
            request.add_header("Cookie", f"{settings.CSRF_COOKIE_NAME}={csrf}")
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
            request.add_header("X-Forwarded-For", forwarded)  # what the client wrote;
            try:  # (no proxy here appends a hop, so the peer 127.0.0.1 is the client)
                with urllib.request.build_opener(_NoRedirect).open(request, timeout=30) as response:
                    return response.status
            except urllib.error.HTTPError as error:
                return error.code

        statuses = [login("guess", f"10.9.{n}.1") for n in range(12)]
        assert statuses[-1] == 429, statuses
        assert login(PASSWORD, "10.9.99.1") == 429


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
