"""Course pages: catalogue, create/edit/delete, detail, enroll/unenroll, roster, materials, feedback."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.generic import CreateView, DeleteView, ListView, UpdateView

from accounts.models import User
from elearning.confirm import post_or_confirm
from elearning.pagination import LenientPaginationMixin

from . import downloads, permissions, selectors, services, upload_limits
from .access import course_or_deny
from .forms import CourseForm, FeedbackForm, MaterialEditForm, MaterialForm, RosterAddForm
from .models import Course, CourseMaterial

class CatalogueView(LenientPaginationMixin, ListView):
    template_name = "courses/catalogue.html"
    paginate_by = 12
    context_object_name = "courses"

    def get_queryset(self):
        return selectors.course_catalogue(search=self.request.GET.get("q", "").strip()[:100], viewer=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(q=self.request.GET.get("q", "").strip()[:100], **kwargs)


class TeacherCourseMixin(LoginRequiredMixin):
    """Only the course's teacher may edit or delete it; everyone else gets 403."""

    model = Course

    def get_object(self, queryset=None):
        return course_or_deny(self.request.user, self.kwargs["pk"], permissions.can_edit_course)


class CourseCreateView(LoginRequiredMixin, CreateView):
    form_class = CourseForm
    template_name = "courses/course_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_create_course(request.user):
            raise PermissionDenied(_("Only teachers can create courses."))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            self.object = services.course_create(teacher=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Course “%(title)s” created.") % {"title": self.object.title})
        return redirect(self.object)


class CourseUpdateView(TeacherCourseMixin, UpdateView):
    form_class = CourseForm
    template_name = "courses/course_form.html"

    def form_valid(self, form):
        try:
            services.course_update(course=self.object, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Course saved."))
        return redirect(self.object)


class CourseDeleteView(TeacherCourseMixin, DeleteView):
    template_name = "courses/course_confirm_delete.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        title = self.object.title
        services.course_delete(course=self.object)
        messages.success(self.request, _("Course “%(title)s” deleted.") % {"title": title})
        return redirect(self.success_url)


def course_detail(request, pk: int):
    user = request.user
    # The teacher's status comes with the course, for the teacher's profile card.
    course = course_or_deny(user, pk, permissions.can_view_course, related=("teacher__status_update",))
    context = {
        "course": course,
        "can_see_profiles": permissions.can_see_member_profiles(user, course),
        "is_owner": permissions.is_owner(user, course),
        "is_enrolled": permissions.is_enrolled(user, course),
        "can_enroll": permissions.can_enroll(user, course),
        "can_access_content": permissions.can_access_content(user, course),
        "can_view_feedback": permissions.can_view_feedback(user, course),
        "is_closed": permissions.is_closed(course),
    }
    if context["is_owner"]:
        context["student_count"] = selectors.roster(course=course).count()
    if context["can_access_content"]:
        context["materials"] = selectors.course_materials(course=course)
    if context["can_view_feedback"]:
        summary = context["feedback_summary"] = selectors.feedback_summary(course=course)
        paginator = Paginator(selectors.course_feedback(course=course), 10)
        paginator.count = summary["count"]  # already counted by the summary: no second COUNT
        context["feedback_page"] = paginator.get_page(request.GET.get("page"))
    if permissions.can_leave_feedback(user, course):
        mine = selectors.student_feedback(course=course, student=user)
        context["feedback_form"] = FeedbackForm(instance=mine)
        context["my_feedback"] = mine
    return render(request, "courses/course_detail.html", context)


@require_safe
@login_required
def member_card(request, pk: int, username: str):
    """The inside of a course member's profile card (bio, status), for the classroom's online
    list to show on demand; only to people who share the course."""
    course = course_or_deny(request.user, pk, permissions.can_see_member_profiles)
    person = selectors.course_member(course=course, username=username)
    if person is None:
        raise Http404
    return render(request, "accounts/_person_card_body.html", {"person": person})


@post_or_confirm(
    title=gettext_lazy("Join this course"), question=gettext_lazy("Join the course and see its materials?"),
    button=gettext_lazy("Join the course"),
)
@login_required
def course_enroll(request, pk: int):
    course = get_object_or_404(Course, pk=pk)
    try:
        joined = services.enrollment_enroll(student=request.user, course=course)
    except services.EnrollmentError as error:
        messages.error(request, str(error))
        # Blocked, or a closed course they cannot see: back to the catalogue, not to a 403/404.
        return redirect(course) if permissions.can_view_course(request.user, course) else redirect("courses:catalogue")
    if joined:
        messages.success(request, _("You joined “%(title)s”.") % {"title": course.title})
    return redirect(course)


@post_or_confirm(
    title=gettext_lazy("Leave this course"),
    question=gettext_lazy("Leave the course? You lose its materials and classroom until you join again."),
    button=gettext_lazy("Leave the course"), danger=True,
)
@login_required
def course_unenroll(request, pk: int):
    course = get_object_or_404(Course, pk=pk)
    if services.enrollment_unenroll(student=request.user, course=course):
        messages.success(request, _("You left “%(title)s”.") % {"title": course.title})
    return redirect(course)


def _render_roster(request, course: Course, form: RosterAddForm, status: int = 200):
    context = {
        "course": course,
        "enrollments": selectors.roster(course=course),
        "blocks": selectors.blocked_students(course=course),
        "form": form,
    }
    return render(request, "courses/roster.html", context, status=status)


@login_required
def roster(request, pk: int):
    course = course_or_deny(request.user, pk, permissions.can_manage_roster)
    return _render_roster(request, course, RosterAddForm())


@require_POST
@login_required
def roster_add(request, pk: int):
    course = course_or_deny(request.user, pk, permissions.can_manage_roster)
    form = RosterAddForm(request.POST)
    if not form.is_valid():
        return _render_roster(request, course, form, status=400)
    student = form.cleaned_data["username"]
    try:
        added = services.roster_add_student(course=course, student=student)
    except services.EnrollmentError as error:
        messages.error(request, str(error))
    else:
        if added:
            messages.success(request, _("%(name)s added to the course.") % {"name": student})
        else:
            messages.info(request, _("%(name)s is already in the course.") % {"name": student})
    return redirect("courses:roster", pk=course.pk)


ROSTER_ACTIONS = {
    "remove": (services.roster_remove_student, gettext_lazy("%(name)s removed from the course.")),
    "block": (services.roster_block_student, gettext_lazy("%(name)s blocked from the course.")),
    "unblock": (services.roster_unblock_student, gettext_lazy("%(name)s unblocked; they may join again.")),
}


@require_POST
@login_required
def roster_action(request, pk: int, student_id: int, action: str):
    course = course_or_deny(request.user, pk, permissions.can_manage_roster)
    student = get_object_or_404(User, pk=student_id, role=User.Role.STUDENT)
    service, message = ROSTER_ACTIONS[action]
    kwargs = {"blocked_by": request.user} if action == "block" else {}
    if service(course=course, student=student, **kwargs):
        messages.success(request, message % {"name": student})
    return redirect(reverse("courses:roster", args=[course.pk]))


# --- Materials --------------------------------------------------------------------------------

def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _too_large_form(limit: int, data=None) -> MaterialForm:
    """The upload form showing only "too large", keeping the title the teacher typed."""
    form = MaterialForm({"title": (data or {}).get("title", "")}, {}, max_bytes=limit)
    form.is_valid()
    form.errors["file"] = form.error_class(
        [_("The file is larger than the limit of %(limit)s.") % {"limit": filesizeformat(limit)}]
    )
    return form


def _render_material_form(request, course, form, status=200):
    if _wants_json(request) and request.method == "POST":
        errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
        return JsonResponse({"errors": errors}, status=status)
    return render(request, "courses/material_form.html", {"course": course, "form": form}, status=status)


@csrf_exempt  # the upload handler must be installed before CSRF reads the body; csrf_protect below
@require_http_methods(["GET", "POST"])
@login_required
def material_upload(request, pk: int):
    course = course_or_deny(request.user, pk, permissions.can_manage_materials)
    limit = settings.MATERIAL_MAX_UPLOAD_BYTES
    if request.method == "POST":
        # Refuse an oversized upload from its header, before a byte of the body is parsed.
        if upload_limits.declared_too_large(request, limit):
            return _render_material_form(request, course, _too_large_form(limit), status=413)
        upload_limits.limit_upload(request, limit)
    return _material_upload_protected(request, course, limit)


@csrf_protect
def _material_upload_protected(request, course, limit):
    if request.method != "POST":
        return _render_material_form(request, course, MaterialForm(max_bytes=limit))
    form = MaterialForm(request.POST, request.FILES, max_bytes=limit)
    if upload_limits.upload_too_large(request):
        return _render_material_form(request, course, _too_large_form(limit, request.POST), status=413)
    if not form.is_valid():
        return _render_material_form(request, course, form, status=400)
    try:
        material = services.material_upload(course=course, uploaded_by=request.user, **form.material())
    except services.DuplicateMaterial as duplicate:
        form.add_error("file", duplicate)
        return _render_material_form(request, course, form, status=409)
    messages.success(request, _("“%(title)s” uploaded.") % {"title": material.title})
    url = reverse("courses:detail", args=[course.pk]) + "#materials"
    if _wants_json(request):
        return JsonResponse({"redirect": url, "id": material.pk}, status=201)
    return redirect(url)


@login_required
def material_download(request, pk: int, material_id: int):
    course = course_or_deny(request.user, pk, permissions.can_download_material)
    material = get_object_or_404(CourseMaterial, pk=material_id, course=course)
    inline = request.GET.get("view") == "1" and material.opens_in_browser
    return downloads.material_response(request, material, inline=inline)


@require_http_methods(["GET", "POST"])
@login_required
def material_edit(request, pk: int, material_id: int):
    course = course_or_deny(request.user, pk, permissions.can_manage_materials)
    material = get_object_or_404(CourseMaterial, pk=material_id, course=course)
    form = MaterialEditForm(request.POST or None, instance=material)
    if request.method == "POST" and form.is_valid():
        services.material_update(material=material, title=form.cleaned_data["title"])
        messages.success(request, _("“%(title)s” saved.") % {"title": material.title})
        return redirect(reverse("courses:detail", args=[course.pk]) + "#materials")
    status = 400 if request.method == "POST" else 200
    return render(request, "courses/material_edit.html", {"course": course, "material": material, "form": form}, status=status)


@require_POST
@login_required
def material_delete(request, pk: int, material_id: int):
    course = course_or_deny(request.user, pk, permissions.can_manage_materials)
    material = get_object_or_404(CourseMaterial, pk=material_id, course=course)
    services.material_delete(material=material)
    messages.success(request, _("“%(title)s” deleted.") % {"title": material.title})
    return redirect(reverse("courses:detail", args=[course.pk]) + "#materials")


# --- Feedback ---------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@login_required
def feedback(request, pk: int):
    """The student's own feedback on the course: one per student, editable."""
    course = course_or_deny(
        request.user, pk, permissions.can_leave_feedback,
        refusal=_("Only students enrolled in this course can leave feedback."),
    )
    mine = selectors.student_feedback(course=course, student=request.user)
    form = FeedbackForm(request.POST or None, instance=mine)
    if request.method == "POST" and form.is_valid():
        _feedback, created = services.feedback_submit(
            course=course, student=request.user, **form.cleaned_data
        )
        messages.success(request, _("Thank you for your feedback.") if created else _("Your feedback was updated."))
        return redirect(reverse("courses:detail", args=[course.pk]) + "#feedback")
    status = 400 if request.method == "POST" else 200
    return render(request, "courses/feedback_form.html", {"course": course, "form": form, "my_feedback": mine}, status=status)
