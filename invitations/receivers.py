"""Invitations reacting to events of the layers below."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.utils.translation import gettext as _

from courses import permissions as course_permissions
from courses.services import EnrollmentError

from . import selectors, services

logger = logging.getLogger(__name__)

JOIN_SESSION_KEY = "invitations.join_code"


def join_after_login(sender, request, user, **kwargs):
    """A visitor who opened a join link, then signed up or logged in, lands in the course."""
    if request is None or not hasattr(request, "session"):
        return
    code = request.session.pop(JOIN_SESSION_KEY, None)
    if not code:
        return
    link = selectors.join_link_by_code(code)
    if link is None or course_permissions.is_enrolled(user, link.course):
        return
    try:
        services.join_by_link(link=link, student=user)
    except EnrollmentError as refusal:
        messages.warning(request, str(refusal))
    else:
        messages.success(request, _("You joined %(course)s.") % {"course": link.course.title})
