"""Pages of the accounts app: sign-up, login, profile, password views, avatars, status updates."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe
from django.views.static import serve
from django.views.generic import FormView, UpdateView

from elearning.confirm import confirmation_page
from elearning.ratelimit import window_allows
from elearning.realtime import sockets_recheck_on_commit

from . import services
from .forms import LoginForm, ProfileForm, QueuedPasswordResetForm, SignUpForm, StatusUpdateForm
from .models import User

TOO_MANY_RESETS = gettext_lazy(
    "Too many password reset requests from your network. Wait an hour, or ask your school's administrator."
)


@require_safe
def avatar(request, name: str):
    """A profile photo. They are public, re-encoded JPEGs with random names (accounts.photos)."""
    response = serve(request, name, document_root=settings.MEDIA_ROOT / "avatars")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
def signup_choice(request):
    """``/accounts/signup/``: "I am a student" or "I am a teacher", each leading to its own form.
    A ``next`` (a join link's course) travels on to both forms, which check it."""
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "accounts/signup_choice.html", {"next": request.GET.get("next", "")})


class SignUpView(FormView):
    """Sign-up for one role; the role comes from the URL, never from the form."""

    form_class = SignUpForm
    template_name = "accounts/signup.html"
    role = User.Role.STUDENT
    success_url = reverse_lazy("home")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("home")
        return super().dispatch(request, *args, **kwargs)

    def get_success_url(self):
        # A join link (invitations) sends visitors here with ?next=<the course>.
        target = self.request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(target, allowed_hosts={self.request.get_host()},
                                           require_https=self.request.is_secure()):
            return target
        return super().get_success_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["role"] = self.role
        context["role_label"] = User.Role(self.role).label
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            user = services.user_create(
                username=data["username"],
                email=data["email"],
                password=data["password1"],
                role=self.role,
                full_name=data["full_name"],
                photo=data["photo"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, _("Welcome, %(name)s! Your account is ready.") % {"name": user})
        return super().form_valid(form)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class ProfileView(LoginRequiredMixin, UpdateView):
    form_class = ProfileForm
    template_name = "accounts/profile.html"
    success_url = reverse_lazy("accounts:profile")

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.user_update_profile(
                user=self.object,
                full_name=data["full_name"],
                email=data["email"],
                bio=data["bio"],
                photo=data["photo"],
                remove_photo=data.get("remove_photo", False),
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Your profile has been saved."))
        return redirect(self.success_url)

    def form_invalid(self, form):
        # The bound form changed self.object in memory; show the saved user in the page chrome.
        self.request.user.refresh_from_db()
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    """Logout is a POST; a typed /accounts/logout/ gets a page with the button (still a 405)."""

    http_method_names = ["get", "post", "options"]

    def get(self, request, *args, **kwargs):
        return confirmation_page(
            request, title=_("Log out"), question=_("Log out of eLearning on this browser?"), button=_("Log out")
        )

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # Added after the session was flushed: the message lives in the new, anonymous session.
        messages.info(request, _("You have been logged out."))
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)  # this session stays signed in; the others end
        sockets_recheck_on_commit(form.user.pk)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """The e-mail goes through the task queue; a client asking too often is told to wait."""

    template_name = "accounts/password_reset_form.html"
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        client = self.request.META.get("REMOTE_ADDR", "")
        if not window_allows(f"pwreset:client:{client}", limit=settings.PASSWORD_RESET_PER_CLIENT, seconds=3600):
            form.add_error(None, TOO_MANY_RESETS)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)  # every session of the user ends
        sockets_recheck_on_commit(form.user.pk)
        return response


@require_POST
@login_required
def status_post(request):
    """Post (or replace) the user's status from the home page; back home with a message."""
    form = StatusUpdateForm(request.POST)
    if form.is_valid():
        try:
            services.status_update_post(user=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your status is up for the next 24 hours."))
            return redirect("home")
    # The home page belongs to a higher layer; the form comes back on its own page, errors in place.
    return render(request, "accounts/status_form.html", {"form": form}, status=400)


@require_POST
@login_required
def status_delete(request):
    """Take down the user's own status (there is no way to name anyone else's)."""
    if services.status_update_delete(user=request.user):
        messages.success(request, _("Your status has been removed."))
    else:
        messages.info(request, _("You have no status to remove."))
    return redirect("home")
