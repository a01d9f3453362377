"""POST-only actions that answer a typed or bookmarked GET with a page holding the button
(part of the app-free toolkit). Browsers show a bare "HTTP ERROR 405" for an empty 405: an
action without a page of its own (one that takes a form's fields) gets the site's 405 page
from ``MethodNotAllowedPageMiddleware`` instead."""

from __future__ import annotations

from functools import wraps

from django.http import HttpResponseNotAllowed
from django.shortcuts import render

TEMPLATE = "confirm_post.html"


def confirmation_page(request, *, title, question, button, danger=False):
    """The 405 a GET gets: still "method not allowed", with the form that does the action."""
    response = render(
        request,
        TEMPLATE,
        {"title": title, "question": question, "button": button, "danger": danger, "action": request.get_full_path()},
        status=405,
    )
    response["Allow"] = "POST"
    return response


def post_or_confirm(*, title, question, button, danger=False):
    """Like ``require_POST``, but a GET or HEAD gets ``confirmation_page``."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                return view(request, *args, **kwargs)
            if request.method in ("GET", "HEAD"):
                return confirmation_page(request, title=title, question=question, button=button, danger=danger)
            return HttpResponseNotAllowed(["POST"])

        return wrapper

    return decorator


class MethodNotAllowedPageMiddleware:
    """A GET or HEAD that a view refuses with an empty 405 (``require_POST`` and the like) gets
    the site's 405 page, saying the address takes a form from the site, with a way back; the
    status and the ``Allow`` header stay. Pages with a body of their own (``confirmation_page``)
    pass untouched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.method in ("GET", "HEAD")
            and not response.streaming
            and not response.content
        ):
            page = render(request, "405.html", status=405)
            if response.has_header("Allow"):
                page["Allow"] = response["Allow"]
            return page
        return response
