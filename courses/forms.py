from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .models import Course


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = ("title", "code", "description", "start_date", "end_date", "is_active")
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
