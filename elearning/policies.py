"""What a page may load and which browser features it may use (part of the app-free toolkit).

The Content-Security-Policy itself is django-csp's (``CONTENT_SECURITY_POLICY`` in settings);
this module adds the one part that depends on the request, the WebSocket origin, and sends a
Permissions-Policy on every response. A view that needs a feature turns it on for its own
response with ``@permissions_policy(microphone="self")`` (the classroom page does).
"""

from __future__ import annotations

from functools import wraps

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.utils.deprecation import MiddlewareMixin

HEADER = "Permissions-Policy"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the page's own ws:/wss: origin in connect-src.

    CSP Level 3 lets 'self' cover ws: and wss: on the page's host, but older browsers (Safari
    before 15.4, for one) do not, and the classroom and the notification badge live on sockets.
    Only the scheme that matches the page is added: an https page gets wss: alone."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        try:
            host = request.get_host()
        except DisallowedHost:  # answered 400 by CommonMiddleware; 'self' is enough there
            return parts
        socket_origin = f"{'wss' if request.is_secure() else 'ws'}://{host}"
        parts.update = {**(parts.update or {})}
        parts.update["connect-src"] = [*parts.update.get("connect-src", []), socket_origin]
        return parts


def policy_header(features: dict[str, list[str]]) -> str:
    """``{"microphone": ["self"], "camera": []}`` → ``microphone=(self), camera=()``."""
    return ", ".join(f"{name}=({' '.join(allow)})" for name, allow in features.items())


class PermissionsPolicyMiddleware(MiddlewareMixin):
    """Every response says which powerful features its page may use: by default none
    (``PERMISSIONS_POLICY`` in settings), widened per view by ``permissions_policy``."""

    def process_response(self, request, response):
        if HEADER not in response:
            features = {**settings.PERMISSIONS_POLICY, **getattr(response, "_permissions_policy", {})}
            response[HEADER] = policy_header(features)
        return response


def permissions_policy(**features: str | list[str]):
    """``@permissions_policy(microphone="self")``: this view's pages may use these features."""
    allowed = {
        name.replace("_", "-"): [value] if isinstance(value, str) else list(value)
        for name, value in features.items()
    }

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response._permissions_policy = allowed
            return response

        return wrapped

    return decorator
