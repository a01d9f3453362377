"""POST-only actions that answer a typed or bookmarked GET with a page holding the button
(part of the app-free toolkit). Browsers show a bare "HTTP ERROR 405" for an empty 405."""

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
