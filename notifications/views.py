"""The notification centre and the two POST actions: open (mark read) one, mark all read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from elearning.confirm import post_or_confirm
from elearning.pagination import LenientPaginationMixin

from . import selectors, services
from .models import Notification, is_site_path


class NotificationCentreView(LoginRequiredMixin, LenientPaginationMixin, ListView):
    template_name = "notifications/centre.html"
    context_object_name = "notifications"
    paginate_by = 20

    def get_queryset(self):
        return selectors.notifications_for(user=self.request.user)



def safe_link(request, link: str) -> str | None:
    """The notification's link if it is a path on this site, else None (no open redirect)."""
    if not is_site_path(link):
        return None
    allowed = url_has_allowed_host_and_scheme(
        link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return link if allowed else None


@require_POST
@login_required
def notification_read(request, pk: int):
    # Someone else's notification is a 404, the same as one that does not exist.
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(notification=notification)
    return redirect(safe_link(request, notification.link) or "notifications:centre")


@post_or_confirm(
    title=gettext_lazy("Mark all as read"), question=gettext_lazy("Mark every notification as read?"),
    button=gettext_lazy("Mark all as read"),
)
@login_required
def notification_read_all(request):
    changed = services.notification_mark_all_read(user=request.user)
    if changed:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:centre")
