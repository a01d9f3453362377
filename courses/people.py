"""People search for teachers and admins (``/accounts/search/``): find users by name, username
or a whole e-mail address, and put a student into one of your courses.

It lives in the courses layer, not in accounts, because adding a result to a course is a
roster change (``courses.services.roster_add_student``, which notifies the student)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from accounts.models import User
from accounts.permissions import is_site_admin
from elearning.pagination import LenientPaginationMixin

from . import permissions, services
from .access import course_or_deny
from .forms import AddToCourseForm, PeopleSearchForm
from .people_selectors import course_ties, courses_to_add_to, people_search

SEARCHERS_ONLY = gettext_lazy("Only teachers and admins can search for people.")
NOT_YOUR_COURSE = gettext_lazy("You can only add people to your own courses.")


def _deny_unless_searcher(user) -> None:
    if not permissions.can_search_people(user):
        raise PermissionDenied(SEARCHERS_ONLY)


class PeopleSearchView(LoginRequiredMixin, LenientPaginationMixin, ListView):
    template_name = "courses/people/search.html"
    context_object_name = "people"
    paginate_by = 20

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _deny_unless_searcher(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        user = self.request.user
        self.courses = courses_to_add_to(teacher=user)
        self.form = PeopleSearchForm(self.request.GET, courses=self.courses)
        if not self.form.is_valid():
            return User.objects.none()
        data = self.form.cleaned_data
        return people_search(
            viewer=user,
            query=data["q"],
            role=data["role"],
            hide_blocked_from=data["course"],
            include_blocked_accounts=is_site_admin(user),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        chosen = self.form.cleaned_data.get("course") if self.form.is_valid() else None
        context.update(
            form=self.form,
            rows=course_ties(people=context["people"], courses=self.courses),
            chosen_course=chosen,
            has_courses=bool(self.courses),
            searched=any(self.request.GET.get(key) for key in ("q", "role", "course")),
        )
        return context


def _back_to_search(request, target: str):
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(reverse("people:search"))


@require_POST
@login_required
def add_to_course(request):
    """Put one search result into one of the teacher's courses; back to the search, with a message."""
    _deny_unless_searcher(request.user)
    form = AddToCourseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of your courses to add this person to."))
        return _back_to_search(request, request.POST.get("next", ""))
    data = form.cleaned_data
    course = course_or_deny(request.user, data["course"], permissions.can_add_from_search, refusal=NOT_YOUR_COURSE)
    person = get_object_or_404(User, pk=data["student"], is_active=True)
    try:
        added = services.roster_add_student(course=course, student=person)
    except services.EnrollmentError as error:
        messages.error(request, str(error))
    else:
        names = {"name": person.display_name, "course": course.title}
        if added:
            messages.success(request, _("%(name)s added to %(course)s; they have been notified.") % names)
        else:
            messages.info(request, _("%(name)s is already in %(course)s.") % names)
    return _back_to_search(request, data["next"])
