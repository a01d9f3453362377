"""Signs out a user whose account was blocked while they were logged in."""

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from .permissions import can_log_in

BLOCKED_MESSAGE = _(
    "Your account has been blocked by an administrator, so you cannot sign in. "
    "Contact your school if you think this is a mistake."
)


class BlockedUserMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not can_log_in(user):
            logout(request)
            messages.error(request, BLOCKED_MESSAGE)
            return redirect("accounts:login")
        return self.get_response(request)
