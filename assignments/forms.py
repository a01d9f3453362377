"""Forms of assignment pages; item shapes are checked by the same rules as the services use."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from elearning.forms import TextareaField

from . import services
from .models import Kind

MAX_ITEMS = 30
DEADLINE_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _future(deadline):
    if deadline is not None and deadline <= timezone.now():
        raise ValidationError(_("Choose a deadline in the future."), code="past")
    return deadline


class GenerateForm(forms.Form):
    pdf = forms.FileField(
        label=_("PDF file"), required=False, widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text=_("A PDF with text (not a scan), or one of the course's PDF materials."),
    )
    material = forms.ModelChoiceField(
        label=_("…or a course material"), queryset=None, required=False, empty_label=_("— none —")
    )
    kind = forms.ChoiceField(label=_("Make"), choices=Kind.choices, initial=Kind.QUIZ, widget=forms.RadioSelect)
    count = forms.IntegerField(
        label=_("How many items"), min_value=1, max_value=MAX_ITEMS, initial=10,
        help_text=_("Between 1 and %(max)s.") % {"max": MAX_ITEMS},
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False,
                            help_text=_("Optional: named after the file if left empty."))
    deadline = forms.DateTimeField(label=_("Deadline"), required=False, widget=DEADLINE_WIDGET)

    def __init__(self, *args, materials, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["material"].queryset = materials
        # The generator's own limit when it has one (ASSIGNMENT_PDF_MAX_MB), else the materials'.
        limit_mb = getattr(settings, "ASSIGNMENT_PDF_MAX_MB", None)
        self.max_bytes = limit_mb * 1024 * 1024 if limit_mb else settings.MATERIAL_MAX_UPLOAD_BYTES

    def clean_pdf(self):
        upload = self.cleaned_data.get("pdf")
        if not upload:
            return upload
        if upload.size > self.max_bytes:
            raise ValidationError(
                _("The file is larger than the limit of %(limit)s.") % {"limit": filesizeformat(self.max_bytes)},
                code="too_large",
            )
        head = upload.read(1024)
        upload.seek(0)
        if b"%PDF-" not in head:
            raise ValidationError(_("This file is not a PDF."), code="not_pdf")
        return upload

    def clean_deadline(self):
        return _future(self.cleaned_data.get("deadline"))

    def clean(self):
        data = super().clean()
        has_pdf, has_material = bool(data.get("pdf")), bool(data.get("material"))
        if not self.errors.get("pdf"):
            if has_pdf and has_material:
                raise ValidationError(_("Upload a PDF or pick a material, not both."), code="both")
            if not has_pdf and not has_material:
                self.add_error("pdf", ValidationError(_("Upload a PDF or pick one of the course's PDF materials."),
                                                      code="required"))
        return data


class ManualForm(forms.Form):
    kind = forms.ChoiceField(label=_("Make"), choices=Kind.choices, initial=Kind.QUIZ, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=200)
    deadline = forms.DateTimeField(label=_("Deadline"), required=False, widget=DEADLINE_WIDGET)

    def clean_deadline(self):
        return _future(self.cleaned_data.get("deadline"))


class AssignmentSettingsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    deadline = forms.DateTimeField(label=_("Deadline"), required=False, widget=DEADLINE_WIDGET,
                                   help_text=_("Leave empty for no deadline."))

    def __init__(self, *args, was=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.was = was

    def clean_deadline(self):
        deadline = self.cleaned_data.get("deadline")
        # An unchanged past deadline may stay; a new one must lie ahead.
        if deadline is not None and deadline != self.was:
            _future(deadline)
        return deadline


class QuestionForm(forms.Form):
    text = TextareaField(label=_("Question"), max_length=services.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}))
    correct = forms.TypedChoiceField(
        label=_("Correct option"), coerce=int, choices=[(i, str(i + 1)) for i in range(services.MAX_OPTIONS)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(services.MAX_OPTIONS):
            self.fields[f"option_{i}"] = forms.CharField(
                label=_("Option %(n)s") % {"n": i + 1}, max_length=services.TEXT_MAX, required=False
            )

    def option_rows(self) -> list[dict]:
        """Each option box with whether it is the one marked correct (for the editor's radios)."""
        chosen = str(self["correct"].value())
        return [
            {"field": self[f"option_{i}"], "index": i, "checked": chosen == str(i)}
            for i in range(services.MAX_OPTIONS)
        ]

    @classmethod
    def initial_for(cls, question) -> dict:
        initial = {"text": question.text, "correct": question.correct}
        initial.update({f"option_{i}": option for i, option in enumerate(question.options)})
        return initial

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        # Blank option boxes are dropped, and the "correct" choice follows its option.
        raw = [data.get(f"option_{i}", "") for i in range(services.MAX_OPTIONS)]
        correct = data.get("correct", 0)
        if not (raw[correct] or "").strip():
            raise ValidationError(_("The option marked correct is empty."), code="correct")
        kept = [i for i, option in enumerate(raw) if (option or "").strip()]
        try:
            text, options, index = services.clean_question(
                text=data["text"], options=[raw[i] for i in kept], correct=kept.index(correct)
            )
        except ValidationError as error:
            raise ValidationError(error.messages, code="invalid") from None
        data.update(text=text, options=options, correct=index)
        return data


class CardForm(forms.Form):
    front = TextareaField(label=_("Front"), max_length=services.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}))
    back = TextareaField(label=_("Back"), max_length=services.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class ModelKeyForm(forms.Form):
    key = forms.CharField(
        label=_("Your API key"), min_length=8, max_length=400, strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Stored encrypted; only its last four characters are ever shown again."),
    )

    def clean_key(self):
        key = self.cleaned_data["key"]
        if any(ch.isspace() for ch in key) or not key.isprintable():
            raise ValidationError(_("An API key has no spaces or line breaks."), code="invalid")
        return key
