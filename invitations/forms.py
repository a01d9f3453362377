"""Forms of the invitation pages; every rule a person can break shows as a field error."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from courses.models import Course
from courses.selectors import courses_taught

from . import permissions
from .importing import ImportFileError, max_bytes, parse_file, parse_pasted
from .models import Invitation


def _course_choices(user):
    if permissions.is_site_admin(user):
        return Course.objects.select_related("teacher").order_by("title", "pk")
    return courses_taught(teacher=user)


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, course):
        return f"{course.title} ({course.code})"


class InvitationForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    email = forms.EmailField(label=_("E-mail"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    user_type = forms.ChoiceField(label=_("Role"))
    course = CourseChoiceField(
        label=_("Course"),
        queryset=Course.objects.none(),
        required=False,
        empty_label=_("No course"),
        help_text=_("They are enrolled in it when they accept."),
    )

    def __init__(self, *args, inviter: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.inviter = inviter
        self.fields["user_type"].choices = [
            (role, Invitation.Role(role).label) for role in permissions.invitable_roles(inviter)
        ]
        self.fields["course"].queryset = _course_choices(inviter)

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"])

    def clean(self):
        data = super().clean()
        if data.get("course") and data.get("user_type") == Invitation.Role.TEACHER:
            self.add_error("course", ValidationError(_("Only students are enrolled in a course."), code="teacher_course"))
        return data


class BulkUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        required=False,
        help_text=_("A .csv or .xlsx file with the columns full_name, email, user_type and, optionally, course_code."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    )
    pasted = forms.CharField(
        label=_("…or paste a list"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "Ada Lovelace <ada@example.org>\nalan@example.org\nGrace Hopper, grace@example.org"}),
        help_text=_("One person a line: “Name &lt;email&gt;”, “email” or “name, email”."),  # shown as HTML
    )
    user_type = forms.ChoiceField(label=_("Role of the pasted people"), required=False)
    course = CourseChoiceField(
        label=_("Course of the pasted people"),
        queryset=Course.objects.none(),
        required=False,
        empty_label=_("No course"),
    )

    def __init__(self, *args, inviter: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.inviter = inviter
        self.fields["user_type"].choices = [
            (role, Invitation.Role(role).label) for role in permissions.invitable_roles(inviter)
        ]
        self.fields["course"].queryset = _course_choices(inviter)
        self.parsed = None

    def clean(self):
        data = super().clean()
        upload, pasted = data.get("file"), (data.get("pasted") or "").strip()
        if upload and pasted:
            raise ValidationError(_("Upload a file or paste a list, not both."), code="both")
        if not upload and not pasted:
            raise ValidationError(_("Choose a file to upload or paste a list."), code="nothing")
        try:
            if upload:
                if upload.size > max_bytes():
                    raise ImportFileError(
                        _("The file is larger than %(mb)s MB. Split it into smaller files.")
                        % {"mb": f"{max_bytes() / 1048576:g}"}
                    )
                self.parsed = parse_file(upload.read(), name=upload.name)
            else:
                self.parsed = parse_pasted(pasted)
        except ImportFileError as error:
            self.add_error("file" if upload else "pasted", ValidationError(str(error), code="unreadable"))
            return data
        if self.parsed.kind == "list":
            course = data.get("course")
            for row in self.parsed.rows:
                row.values["user_type"] = data.get("user_type") or Invitation.Role.STUDENT
                row.values["course_code"] = course.code if course else ""
        if not self.parsed.rows:
            self.add_error(
                "file" if upload else "pasted",
                ValidationError(_("The list has a header but nobody in it."), code="no_rows"),
            )
        return data

    @property
    def source(self) -> str:
        upload = self.cleaned_data.get("file")
        return upload.name if upload else str(_("pasted list"))


class AcceptForm(UserCreationForm):
    """The invited person picks a username and password; e-mail and role come from the
    invitation."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username",)

    def __init__(self, *args, invitation: Invitation, **kwargs):
        # The password validators compare the password with these attributes.
        instance = User(email=invitation.email, full_name=invitation.full_name, role=invitation.role)
        super().__init__(*args, instance=instance, **kwargs)
        self.fields["username"].widget.attrs["autocomplete"] = "username"
