"""Every WebSocket handshake must come from the site's own origin (scheme, host and port) or one
of DJANGO_CSRF_TRUSTED_ORIGINS: the rule of Django's CSRF origin check, applied to sockets."""

from __future__ import annotations

import pytest

from classroom.tests.helpers import run
from elearning.testing.sockets import communicator_for

pytestmark = pytest.mark.django_db(transaction=True)

SITE = "127.0.0.1:8000"


def accepted(origin: str | None, *, host: str = SITE, headers=(), scope=None) -> bool:
    async def scenario():
        communicator = await communicator_for("/ws/notifications/", origin=origin or "", host=host, headers=headers, scope=scope)
        if origin is None:
            communicator.scope["headers"] = [h for h in communicator.scope["headers"] if h[0] != b"origin"]
        connected, _ = await communicator.connect()
        await communicator.disconnect()
        return connected

    return run(scenario)


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        ("http://127.0.0.1:8000", True),
        ("HTTP://127.0.0.1:8000", True),  # schemes and hosts are case-insensitive
        ("https://127.0.0.1:8000", False),  # wrong scheme
        ("http://127.0.0.1:8001", False),  # wrong port
        ("http://127.0.0.1", False),  # no port: port 80
        ("http://localhost:8000", False),  # another host, even an allowed one
        ("https://evil.example", False),
        ("null", False),  # a sandboxed frame or a file:// page
        ("", False),
        (None, False),  # no Origin at all: not a browser page of ours
    ],
)
def test_only_the_sites_own_origin_opens_a_socket(origin, expected):
    assert accepted(origin) is expected


def test_the_default_port_is_the_hosts_own():
    assert accepted("http://127.0.0.1", host="127.0.0.1")
    assert not accepted("http://127.0.0.1:8000", host="127.0.0.1")


def test_a_host_outside_allowed_hosts_is_refused_even_from_its_own_origin():
    assert not accepted("http://evil.example", host="evil.example")
    assert not accepted("http://127.0.0.1", host="")


def test_a_tls_socket_needs_an_https_origin():
    assert accepted("https://127.0.0.1:8000", scope={"scheme": "wss"})
    assert not accepted("http://127.0.0.1:8000", scope={"scheme": "wss"})


def test_with_django_https_only_https_pages_may_open_sockets(settings):
    settings.HTTPS = True  # behind a TLS proxy the socket itself arrives as plain ws
    assert accepted("https://127.0.0.1:8000")
    assert not accepted("http://127.0.0.1:8000")


def test_x_forwarded_proto_is_believed_only_from_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    proto = [(b"x-forwarded-proto", b"https")]
    from_proxy = {"client": ("10.1.2.3", 5555)}
    from_client = {"client": ("203.0.113.5", 5555)}
    assert accepted("https://127.0.0.1:8000", headers=proto, scope=from_proxy)
    assert not accepted("http://127.0.0.1:8000", headers=proto, scope=from_proxy)
    assert not accepted("https://127.0.0.1:8000", headers=proto, scope=from_client)  # the client's own words
    assert accepted("http://127.0.0.1:8000", headers=proto, scope=from_client)


def test_csrf_trusted_origins_are_allowed_exactly_or_by_subdomain(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "app.example.com"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://app.example.com", "https://*.school.example"]
    assert accepted("https://app.example.com", host=SITE)
    assert accepted("https://maths.school.example", host=SITE)
    assert not accepted("http://app.example.com", host=SITE)  # scheme is part of it
    assert not accepted("https://app.example.com:8443", host=SITE)  # and the port
    assert not accepted("https://school.example.evil", host=SITE)
