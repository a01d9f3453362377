"""What invitations tell people in the app: the inviter hears that an invitation was accepted."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications import kinds
from notifications.services import notify

from .models import Invitation

INVITATION_ACCEPTED = "invitation_accepted"


def register_kinds() -> None:
    """Called from ``InvitationsConfig.ready()``."""
    kinds.register(INVITATION_ACCEPTED, gettext_lazy("Invitation accepted"), "envelope-check")


def invitation_accepted(*, invitation: Invitation, user) -> list:
    names = {"name": user.display_name, "email": invitation.email}
    if invitation.course_id:
        names["course"] = invitation.course.title
        message = _("%(name)s (%(email)s) accepted your invitation and joined “%(course)s”.") % names
    else:
        message = _("%(name)s (%(email)s) accepted your invitation.") % names
    return notify(
        recipients=[invitation.invited_by],
        kind=INVITATION_ACCEPTED,
        title=_("%(name)s accepted your invitation") % names,
        message=message,
        link=reverse("invitations:list") + "?status=accepted",
    )
