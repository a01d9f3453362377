"""Form fields every app shares (part of the app-free toolkit)."""

from __future__ import annotations

from django import forms
from django.utils.text import normalize_newlines


class TextareaField(forms.CharField):
    """A textarea's text, with line breaks counted as the browser counts them.

    A browser's ``maxlength`` counts a line break as one character, then submits it as CRLF, two:
    a description that filled the box exactly was refused. Line endings become LF before the
    length is checked (and stored), so the limit the box shows is the limit the server applies.
    """

    widget = forms.Textarea

    def to_python(self, value):
        if isinstance(value, str):
            value = normalize_newlines(value)
        return super().to_python(value)
