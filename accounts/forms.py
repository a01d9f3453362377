"""Forms of the accounts pages; every rule a person can break shows as a field error."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from elearning.forms import TextareaField

from .middleware import BLOCKED_MESSAGE
from .models import STATUS_UPDATE_MAX_LENGTH, StatusUpdate, User
from .photos import ALLOWED_FORMATS, inspect_photo
from . import services
from .services import EMAIL_TAKEN


class PhotoField(forms.FileField):
    """An optional photo, checked from its header (see accounts.photos). Cleaning decodes no
    pixel: the service re-encodes it once the whole form is valid."""

    widget = forms.FileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Photo"))
        kwargs.setdefault(
            "help_text", _("JPEG, PNG, GIF or WebP, at most 5 MB. It is cropped to a square.")
        )
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ",".join(f"image/{f.lower()}" for f in sorted(ALLOWED_FORMATS))

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return None
        return inspect_photo(upload)


def _email_taken(email: str, exclude_pk=None) -> bool:
    return User.objects.filter(email__iexact=email).exclude(pk=exclude_pk).exists()


class SignUpForm(UserCreationForm):
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("Used to reset your password and for notifications."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    photo = PhotoField()

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "full_name")

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if _email_taken(email):
            raise ValidationError(EMAIL_TAKEN, code="email_taken")
        return email


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "blocked": BLOCKED_MESSAGE,
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.is_blocked:
            raise ValidationError(self.error_messages["blocked"], code="blocked")

    ERROR_ID = "login-error"  # login.html shows the form's error under this id, as an alert

    def full_clean(self):
        """A refused login marks both fields invalid and ties them to the error, so a screen
        reader reads it with the field that has focus (the username, autofocused)."""
        super().full_clean()
        if self.is_bound and self.non_field_errors():
            for name in ("username", "password"):
                self.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": self.ERROR_ID})


class ProfileForm(forms.ModelForm):
    photo = PhotoField()
    remove_photo = forms.BooleanField(label=_("Remove my photo"), required=False)

    class Meta:
        model = User
        fields = ("full_name", "email", "bio", "email_notifications")
        field_classes = {"bio": TextareaField}
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "bio": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"email": _("E-mail")}
        help_texts = {
            "bio": _("A few words about you, shown to people in your courses."),
            "email_notifications": _(
                "Untick to get notifications on this site only (password resets are always e-mailed)."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        if not self.instance.photo:
            del self.fields["remove_photo"]

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"])
        if _email_taken(email, exclude_pk=self.instance.pk):
            raise ValidationError(EMAIL_TAKEN, code="email_taken")
        return email


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the e-mail leaves through the task queue (see
    ``services.password_reset_request``): the page takes the same time for every address."""

    def save(self, *, request=None, **kwargs):
        services.password_reset_request(email=self.cleaned_data["email"], client=request.META.get("REMOTE_ADDR", ""))


class StatusUpdateForm(forms.ModelForm):
    """A short status from the home page: plain text, shown escaped, for 24 hours."""

    class Meta:
        model = StatusUpdate
        fields = ("text",)
        field_classes = {"text": TextareaField}
        labels = {"text": _("Your status")}
        help_texts = {
            "text": format_lazy(
                _("Up to {n} characters. Your teachers and classmates see it for 24 hours."),
                n=STATUS_UPDATE_MAX_LENGTH,
            )
        }
        widgets = {
            "text": forms.Textarea(
                attrs={
                    "rows": 2,
                    "maxlength": STATUS_UPDATE_MAX_LENGTH,
                    "placeholder": _("What are you working on?"),
                    "autocomplete": "off",
                }
            )
        }
        error_messages = {
            "text": {
                "required": _("Write something first."),
                "max_length": _("Keep it to %(limit_value)d characters (it has %(show_value)d)."),
            }
        }
