"""The client's real address behind trusted reverse proxies (part of the app-free toolkit).

Daphne's own ``--proxy-headers`` takes the LEFT-most ``X-Forwarded-For`` value, which the
client writes itself: rotating it dodged the login throttle, and writing a victim's address
locked the victim out. Here only the proxies listed in ``TRUSTED_PROXIES`` are believed: the
client is the right-most address in the chain that is not one of them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> list[Network]:
    return [ipaddress.ip_network(value.strip(), strict=False) for value in values if value.strip()]


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:5555"
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def client_address(remote_addr: str, forwarded_for: str, trusted: list[Network]) -> str:
    """The client's address: ``remote_addr`` unless it is a trusted proxy, in which case walk
    ``X-Forwarded-For`` from the right past the trusted proxies."""
    peer = _address(remote_addr)
    if peer is None or not trusted or not forwarded_for:
        return remote_addr
    if not any(peer in network for network in trusted):
        return remote_addr  # not from our proxy: the header is the client's own words
    farthest = peer
    for value in reversed(forwarded_for.split(",")):
        hop = _address(value)
        if hop is None:
            break  # garbage in the chain: trust nothing further left
        if not any(hop in network for network in trusted):
            return str(hop)
        farthest = hop
    return str(farthest)  # only our own proxies: the farthest one is the nearest we know


class ClientAddressMiddleware:
    """Sets ``REMOTE_ADDR`` to the client's real address, so login throttling and every other
    per-client limit sees the same one. Put it first."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.trusted = parse_networks(settings.TRUSTED_PROXIES)

    def __call__(self, request):
        if self.trusted:
            request.META["REMOTE_ADDR"] = client_address(
                request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_X_FORWARDED_FOR", ""), self.trusted
            )
        return self.get_response(request)
