"""Course pages: catalogue, create/edit/delete, detail, enroll/unenroll, roster."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, DeleteView, ListView, UpdateView

from accounts.models import User

from . import permissions, selectors, services
from .forms import CourseForm, RosterAddForm
from .models import Course

BLOCKED = _("The teacher of this course has blocked you from it.")


def get_course_for(user, pk: int, check) -> Course:
    """The course, if ``check(user, course)`` allows; 404 for hidden courses, else 403."""
    course = get_object_or_404(Course.objects.select_related("teacher"), pk=pk)
    if not check(user, course):
        if permissions.is_blocked_from(user, course):
            raise PermissionDenied(BLOCKED)
        if not course.is_active and not permissions.is_owner(user, course):
            raise Http404
        raise PermissionDenied
    return course


class CatalogueView(ListView):
    template_name = "courses/catalogue.html"
    paginate_by = 12
    context_object_name = "courses"

    def get_queryset(self):
        return selectors.course_catalogue(search=self.request.GET.get("q", "").strip()[:100])

    def get_context_data(self, **kwargs):
        return super().get_context_data(q=self.request.GET.get("q", "").strip()[:100], **kwargs)


class TeacherCourseMixin(LoginRequiredMixin):
    """Only the course's teacher may edit or delete it; everyone else gets 403."""

    model = Course

    def get_object(self, queryset=None):
        return get_course_for(self.request.user, self.kwargs["pk"], permissions.can_edit_course)


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
    course = get_course_for(user, pk, permissions.can_view_course)
    context = {
        "course": course,
        "is_owner": permissions.is_owner(user, course),
        "is_enrolled": permissions.is_enrolled(user, course),
        "can_enroll": permissions.can_enroll(user, course),
    }
    if context["is_owner"]:
        context["student_count"] = selectors.roster(course=course).count()
    return render(request, "courses/course_detail.html", context)


@require_POST
@login_required
def course_enroll(request, pk: int):
    course = get_object_or_404(Course, pk=pk)
    try:
        joined = services.enrollment_enroll(student=request.user, course=course)
    except services.EnrollmentError as error:
        messages.error(request, str(error))
        return redirect("courses:catalogue") if permissions.is_blocked_from(request.user, course) else redirect(course)
    if joined:
        messages.success(request, _("You joined “%(title)s”.") % {"title": course.title})
    return redirect(course)


@require_POST
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
    course = get_course_for(request.user, pk, permissions.can_manage_roster)
    return _render_roster(request, course, RosterAddForm())


@require_POST
@login_required
def roster_add(request, pk: int):
    course = get_course_for(request.user, pk, permissions.can_manage_roster)
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
    "remove": (services.roster_remove_student, _("%(name)s removed from the course.")),
    "block": (services.roster_block_student, _("%(name)s blocked from the course.")),
    "unblock": (services.roster_unblock_student, _("%(name)s unblocked; they may join again.")),
}


@require_POST
@login_required
def roster_action(request, pk: int, student_id: int, action: str):
    course = get_course_for(request.user, pk, permissions.can_manage_roster)
    student = get_object_or_404(User, pk=student_id, role=User.Role.STUDENT)
    service, message = ROSTER_ACTIONS[action]
    kwargs = {"blocked_by": request.user} if action == "block" else {}
    if service(course=course, student=student, **kwargs):
        messages.success(request, message % {"name": student})
    return redirect(reverse("courses:roster", args=[course.pk]))
