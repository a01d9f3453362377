from pathlib import PurePosixPath

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from elearning.forms import TextareaField

from . import uploads
from .models import Course, CourseMaterial, Feedback


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = ("title", "code", "description", "start_date", "end_date", "is_active")
        field_classes = {"description": TextareaField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "code": forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
        }

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        clash = Course.objects.filter(code__iexact=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("Another course already uses this code."), code="code_taken")
        return code

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", ValidationError(_("The end date cannot be before the start date."), code="end_before_start"))
        return cleaned


class RosterAddForm(forms.Form):
    username = forms.CharField(
        label=_("Student's username or e-mail"), max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_username(self):
        value = self.cleaned_data["username"].strip()
        student = User.objects.filter(
            role=User.Role.STUDENT, is_active=True
        ).filter(username__iexact=value).first() or User.objects.filter(
            role=User.Role.STUDENT, is_active=True, email__iexact=value
        ).first()
        if student is None:
            raise ValidationError(_("No student has that username or e-mail address."), code="unknown_student")
        return student


class MaterialForm(forms.Form):
    """A material upload; the file is checked by its content (courses.uploads)."""

    title = forms.CharField(
        label=_("Title"), max_length=200, required=False,
        help_text=_("Leave empty to use the file name."),
    )
    file = forms.FileField(label=_("File"), max_length=255, allow_empty_file=True)

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.fields["file"].help_text = _(
            "Documents (PDF, Word, Excel, PowerPoint, OpenDocument, text), images, audio or video; up to %(limit)s."
        ) % {"limit": filesizeformat(max_bytes)}
        self.fields["file"].widget.attrs["accept"] = ",".join(uploads.ACCEPTED_EXTENSIONS)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.inspected = uploads.inspect_upload(upload, max_bytes=self.max_bytes)
        return upload

    def clean_title(self):
        return self.cleaned_data["title"].strip()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("title") and hasattr(self, "inspected"):
            cleaned["title"] = PurePosixPath(self.inspected.name).stem[:200] or self.inspected.name[:200]
        return cleaned

    def material(self) -> dict:
        """What ``services.material_upload`` stores, once the form is valid (both upload paths)."""
        return {"title": self.cleaned_data["title"], "upload": self.cleaned_data["file"], "inspected": self.inspected}


class MaterialEditForm(forms.ModelForm):
    """What the teacher may change about a material once it is up: its title."""

    class Meta:
        model = CourseMaterial
        fields = ("title",)
        labels = {"title": _("Title")}

    def clean_title(self):
        return self.cleaned_data["title"].strip()


class FeedbackForm(forms.ModelForm):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        # 1 to 5 in the markup, as on screen: arrow keys move the way the stars are laid out.
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose a rating from 1 to 5 stars.")},
    )

    class Meta:
        model = Feedback
        fields = ("rating", "comment")
        field_classes = {"comment": TextareaField}
        widgets = {"comment": forms.Textarea(attrs={"rows": 3, "maxlength": 2000})}
        labels = {"comment": _("Comment (optional)")}


class PeopleSearchForm(forms.Form):
    """The people search (GET): every field optional, an empty search lists everyone."""

    q = forms.CharField(
        label=_("Name, username or e-mail"),
        max_length=100,
        required=False,
        help_text=_("An e-mail address is found only when you type all of it."),
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("Everyone")), *User.Role.choices]
    )
    course = forms.TypedChoiceField(
        label=_("Course"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Hides people blocked from this course, and adds to it by default."),
    )

    def __init__(self, *args, courses: list[Course], **kwargs):
        super().__init__(*args, **kwargs)
        self.courses = {course.pk: course for course in courses}
        self.fields["course"].choices = [("", _("Any course"))] + [(c.pk, str(c)) for c in courses]

    def clean_course(self) -> Course | None:
        pk = self.cleaned_data["course"]
        return None if pk is None else self.courses[pk]


MAX_ID = 2**63 - 1  # larger numbers would overflow the database's integer on lookup


class AddToCourseForm(forms.Form):
    """One search result put into one of the teacher's courses (the view checks the course)."""

    student = forms.IntegerField(min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    course = forms.IntegerField(
        label=_("Course"), min_value=1, max_value=MAX_ID, error_messages={"required": _("Choose a course first.")}
    )
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
