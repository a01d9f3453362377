"""Absolute links to the site for what leaves it (e-mails); part of the app-free toolkit."""

from urllib.parse import urljoin

from django.conf import settings


def absolute_url(path: str) -> str:
    """``path`` on the site's public address (``SITE_URL``): e-mails are sent by the worker,
    which has no request to take the host from."""
    return urljoin(settings.SITE_URL.rstrip("/") + "/", path.lstrip("/"))
