"""Pages of invitations: the inviter's list, single and bulk invites, the public accept page,
and course join links."""

from __future__ import annotations

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django.views.generic import FormView, ListView

from accounts.models import User
from courses import permissions as course_permissions
from courses.access import course_or_deny
from courses.selectors import courses_taught
from elearning.pagination import LenientPaginationMixin
from courses.services import EnrollmentError
from elearning.confirm import post_or_confirm
from elearning.parsing import parse_id
from elearning.ratelimit import window_allows

from . import bulk, emails, importing, permissions, receivers, selectors, services
from .forms import AcceptForm, BulkUploadForm, InvitationForm
from .models import ImportBatch, Invitation

LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"
JOIN_SESSION_KEY = receivers.JOIN_SESSION_KEY


class InviterRequiredMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_invite(request.user):
            raise PermissionDenied(_("Only teachers and administrators can invite people."))
        return super().dispatch(request, *args, **kwargs)


def _inviter_or_deny(request) -> None:
    if not permissions.can_invite(request.user):
        raise PermissionDenied(_("Only teachers and administrators can invite people."))


@method_decorator(never_cache, name="dispatch")  # the page holds live links
class InvitationListView(InviterRequiredMixin, LenientPaginationMixin, ListView):
    template_name = "invitations/invitation_list.html"
    context_object_name = "invitations"
    paginate_by = 25

    def get_queryset(self):
        params = self.request.GET
        return selectors.invitations_of(
            inviter=self.request.user,
            status=params.get("status", ""),
            course_id=parse_id(params.get("course")),
            search=params.get("q", "")[:100],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for invitation in context["invitations"]:
            # The link can be rebuilt from the row (see invitations.tokens): "copy link".
            invitation.link = emails.invitation_url(invitation) if invitation.is_open else ""
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            statuses=[(s.value, s.label) for s in selectors.STATUS_FILTERS],
            courses=courses_taught(teacher=self.request.user),
            filters=self.request.GET,
            querystring=query.urlencode(),
            quota=services.quota_remaining(user=self.request.user),
        )
        return context


class InvitationCreateView(InviterRequiredMixin, FormView):
    template_name = "invitations/invitation_form.html"
    form_class = InvitationForm
    success_url = reverse_lazy("invitations:list")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "inviter": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "quota": services.quota_remaining(user=self.request.user)}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            action, result = services.invitation_invite(
                invited_by=self.request.user,
                email=data["email"],
                full_name=data["full_name"],
                role=data["user_type"],
                course=data["course"],
            )
        except (ValidationError, EnrollmentError) as error:
            form.add_error(None, error if isinstance(error, ValidationError) else str(error))
            return self.form_invalid(form)
        if action == bulk.ENROLL:
            messages.success(
                self.request,
                _("%(email)s already has an account: they were added to %(course)s.")
                % {"email": result.email, "course": data["course"].title},
            )
        else:
            messages.success(
                self.request,
                _("Invitation to %(email)s is on its way. You can also copy its link below.") % {"email": result.email},
            )
        return super().form_valid(form)


def _own_invitation(request, pk: int) -> Invitation:
    _inviter_or_deny(request)
    invitation = get_object_or_404(Invitation, pk=pk)
    if not permissions.can_manage_invitation(request.user, invitation):
        raise PermissionDenied(_("This is not one of your invitations."))
    return invitation


def _back_to_list(request):
    target = request.POST.get("next", "")
    if target.startswith(reverse("invitations:list")) and "//" not in target:
        return redirect(target)
    return redirect("invitations:list")


@post_or_confirm(
    title=gettext_lazy("Send the invitation again"), question=gettext_lazy("Send this invitation again with a new link? The old link stops working."),
    button=gettext_lazy("Resend"),
)
@login_required
def invitation_resend(request, pk: int):
    invitation = _own_invitation(request, pk)
    try:
        services.invitation_resend(invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("A new link was sent to %(email)s; the old link no longer works.") % {"email": invitation.email},
        )
    return _back_to_list(request)


@post_or_confirm(
    title=gettext_lazy("Revoke the invitation"), question=gettext_lazy("Revoke this invitation? Its link stops working at once."),
    button=gettext_lazy("Revoke"), danger=True,
)
@login_required
def invitation_revoke(request, pk: int):
    invitation = _own_invitation(request, pk)
    if services.invitation_revoke(invitation=invitation):
        messages.success(request, _("The invitation to %(email)s was revoked.") % {"email": invitation.email})
    else:
        messages.info(request, _("This invitation was no longer pending."))
    return _back_to_list(request)


# --- Bulk -----------------------------------------------------------------------------------


class BulkUploadView(InviterRequiredMixin, FormView):
    template_name = "invitations/bulk_upload.html"
    form_class = BulkUploadForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "inviter": self.request.user}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "recent": selectors.recent_imports(user=self.request.user),
            "max_rows": f"{importing.max_rows():,}",
            "max_mb": f"{importing.max_bytes() / 1048576:g}",
        }

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        batch = services.import_preview(user=self.request.user, parsed=form.parsed, source=form.source)
        return redirect(batch)


def _own_batch(request, pk: int) -> ImportBatch:
    _inviter_or_deny(request)
    batch = get_object_or_404(ImportBatch, pk=pk)
    if not permissions.can_manage_import(request.user, batch):
        raise PermissionDenied(_("This is not one of your imports."))
    return batch


PREVIEW_PAGE = 250


@login_required
@require_safe
def bulk_detail(request, pk: int):
    """Before confirm: the preview. After: the progress of the e-mails and the report."""
    batch = _own_batch(request, pk)
    show = request.GET.get("show", "")
    if batch.status == ImportBatch.Status.CONFIRMED:
        rows = batch.results
        states = selectors.import_email_states(batch=batch)
        for row in rows:
            state = states.get(row.get("invitation_id"))
            if state:
                row["status"], row["email_status"] = state
        progress = selectors.import_progress(batch=batch)
    else:
        rows = [outcome.as_dict() for outcome in bulk.classify(user=request.user, rows=batch.rows, names_optional=batch.names_optional)]
        progress = None
    totals = bulk.counts(rows)
    quota = services.quota_remaining(user=request.user)
    shown = [row for row in rows if row["action"] == show] if show in bulk.ACTION_LABELS else rows
    page = Paginator(shown, PREVIEW_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "invitations/bulk_detail.html",
        {
            "batch": batch,
            "page_obj": page,
            "rows": page.object_list,
            "totals": totals,
            "labels": bulk.ACTION_LABELS,
            "show": show,
            "querystring": query.urlencode(),
            "progress": progress,
            "quota": quota,
            "over_quota": quota is not None and quota < totals[bulk.INVITE],
        },
    )


@post_or_confirm(
    title=gettext_lazy("Confirm the import"), question=gettext_lazy("Send the invitations of this import?"),
    button=gettext_lazy("Confirm and send"),
)
@login_required
def bulk_confirm(request, pk: int):
    batch = _own_batch(request, pk)
    try:
        services.import_confirm(batch=batch, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Confirmed. The invitations are being sent."))
    return redirect(batch)


@post_or_confirm(
    title=gettext_lazy("Cancel the import"), question=gettext_lazy("Cancel this import? Nothing is sent."),
    button=gettext_lazy("Cancel the import"), danger=True,
)
@login_required
def bulk_cancel(request, pk: int):
    batch = _own_batch(request, pk)
    services.import_cancel(batch=batch)
    messages.info(request, _("Import cancelled; nothing was sent."))
    return redirect("invitations:bulk")


@login_required
@require_safe
def bulk_progress(request, pk: int):
    batch = _own_batch(request, pk)
    if batch.status != ImportBatch.Status.CONFIRMED:
        return JsonResponse({"status": batch.status, "done": False})
    return JsonResponse({"status": batch.status, **selectors.import_progress(batch=batch)})


@login_required
@require_safe
def bulk_report(request, pk: int):
    batch = _own_batch(request, pk)
    if batch.status != ImportBatch.Status.CONFIRMED:
        raise PermissionDenied(_("The report exists once the import is confirmed."))
    states = selectors.import_email_states(batch=batch)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["line", "full_name", "email", "user_type", "course_code", "result", "detail", "invitation", "email_status"])
    names = {bulk.INVITE: "invited", bulk.ENROLL: "enrolled", bulk.SKIP: "skipped", bulk.ERROR: "error"}
    for row in batch.results:
        status, email_status = states.get(row.get("invitation_id"), ("", ""))
        cells = [row["line"], row["full_name"], row["email"], row["user_type"], row["course_code"],
                 names.get(row["action"], row["action"]), row["reason"], status, email_status]
        # A cell starting with = + - @ would run as a formula in a spreadsheet.
        writer.writerow(["'" + c if isinstance(c, str) and c[:1] in ("=", "+", "-", "@") else c for c in cells])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="invitations-report-{batch.pk}.csv"'
    return response


@login_required
@require_safe
def bulk_template(request, fmt: str):
    _inviter_or_deny(request)
    if fmt == "xlsx":
        response = HttpResponse(
            importing.template_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(importing.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="invitations-template.{fmt}"'
    return response


# --- Accepting ------------------------------------------------------------------------------


def _invalid(request):
    """ONE page for unknown, used, revoked and expired links: nothing tells them apart."""
    return render(request, "invitations/invalid.html", status=404)


@never_cache  # the page holds a live link
@require_http_methods(["GET", "HEAD", "POST"])
def accept(request, token: str):
    invitation = selectors.invitation_by_token(token)
    if invitation is None:
        return _invalid(request)
    user = request.user
    context = {"invitation": invitation}
    has_account = User.objects.filter(email__iexact=invitation.email).exists()
    if user.is_authenticated:
        if (user.email or "").lower() != invitation.email.lower():
            return render(request, "invitations/accept_other_account.html", context, status=403)
        if request.method == "POST":
            try:
                refusal = services.invitation_accept_existing(invitation=invitation, user=user)
            except services.InvitationClosed:
                return _invalid(request)
            return _welcome(request, invitation, refusal)
        return render(request, "invitations/accept_existing.html", context)
    if has_account:
        # Never a second account for one address: sign in, come back, accept.
        context["login_url"] = f"{reverse('accounts:login')}?next={request.path}"
        return render(request, "invitations/accept_sign_in.html", context)
    form = AcceptForm(request.POST or None, invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            new_user, refusal = services.invitation_accept_new(
                invitation=invitation,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
            )
        except services.InvitationClosed:
            return _invalid(request)
        except ValidationError as error:
            if "email" in getattr(error, "error_dict", {}):  # the address got an account meanwhile
                return _invalid(request)
            form.add_error(None, error)
        else:
            login(request, new_user, backend=LOGIN_BACKEND)
            return _welcome(request, invitation, refusal)
    return render(request, "invitations/accept.html", {**context, "form": form}, status=400 if form.errors else 200)


def _welcome(request, invitation: Invitation, refusal: str | None):
    if invitation.course_id and not refusal:
        messages.success(request, _("Welcome! You are now in %(course)s.") % {"course": invitation.course.title})
        return redirect(invitation.course)
    if refusal:
        messages.warning(request, refusal)
    else:
        messages.success(request, _("Welcome! Your account is ready."))
    return redirect("home")


# --- Join links -----------------------------------------------------------------------------


@login_required
def join_links(request):
    if not permissions.can_share_courses(request.user):
        raise PermissionDenied(_("Only teachers have courses to share."))
    links = selectors.join_links_of(teacher=request.user)
    courses = list(courses_taught(teacher=request.user))
    for course in courses:
        course.join = links.get(course.pk)
    return render(request, "invitations/join_links.html", {"courses": courses})


JOIN_ACTIONS = {"enable", "reset", "disable"}


@post_or_confirm(
    title=gettext_lazy("Change the join link"), question=gettext_lazy("Change this course’s join link?"),
    button=gettext_lazy("Continue"),
)
@login_required
def join_link_action(request, course_id: int, action: str):
    course = course_or_deny(request.user, course_id, permissions.can_manage_join_link)
    if action == "enable":
        services.join_link_enable(course=course, by=request.user)
        messages.success(request, _("The join link of %(course)s is on.") % {"course": course.title})
    elif action == "reset":
        services.join_link_reset(course=course, by=request.user)
        messages.success(request, _("%(course)s has a new join link; the old one no longer works.") % {"course": course.title})
    else:
        services.join_link_disable(course=course)
        messages.success(request, _("The join link of %(course)s is off.") % {"course": course.title})
    return redirect("invitations:join_links")


@require_safe
def join_enter(request):
    """"Have a class code?": the code typed in, sent to its join page (which checks it)."""
    code = "".join(ch for ch in request.GET.get("code", "") if ch.isascii() and ch.isalnum())[:16].upper()
    if code:
        return redirect("join", code=code)
    return render(request, "invitations/join_enter.html")


@require_http_methods(["GET", "HEAD", "POST"])
def join(request, code: str):
    # Guessing codes: a client that tried too many wrong ones is refused for the hour, right
    # codes included, so the answers tell a guesser nothing more (shared through the cache).
    client = request.META.get("REMOTE_ADDR", "")
    if cache.get(f"join:refused:{client}"):
        return render(request, "invitations/join_invalid.html", {"too_many": True}, status=429)
    link = selectors.join_link_by_code(code)
    if link is None:
        if not window_allows(f"join:miss:{client}", limit=settings.JOIN_CODE_MISSES_PER_HOUR, seconds=3600):
            cache.set(f"join:refused:{client}", True, timeout=3600)
        return render(request, "invitations/join_invalid.html", status=404)
    course = link.course
    user = request.user
    if course_permissions.is_closed(course) and not course_permissions.is_enrolled(user, course):
        refusal = course_permissions.CLOSED  # before sign-up: nobody makes an account for nothing
        return render(request, "invitations/join.html", {"link": link, "course": course, "refusal": refusal}, status=403)
    if not user.is_authenticated:
        # Kept through sign-up or login: receivers.join_after_login enrolls them then.
        request.session[JOIN_SESSION_KEY] = link.code
        return render(request, "invitations/join.html", {"link": link, "course": course, "next": request.path})
    if course_permissions.is_enrolled(user, course):
        return redirect(course)
    if request.method == "POST":
        try:
            services.join_by_link(link=link, student=user)
        except EnrollmentError as refusal:
            messages.error(request, str(refusal))
            return render(request, "invitations/join.html", {"link": link, "course": course, "refusal": str(refusal)}, status=403)
        messages.success(request, _("You joined %(course)s.") % {"course": course.title})
        return redirect(course)
    refusal = course_permissions.enroll_refusal(user, course)
    return render(request, "invitations/join.html", {"link": link, "course": course, "refusal": refusal}, status=403 if refusal else 200)
