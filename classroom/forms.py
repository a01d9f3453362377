from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from elearning.forms import TextareaField

from .models import CHAT_MAX_LENGTH
from .protocol import ProtocolError, safe_text


class ChatForm(forms.Form):
    message = TextareaField(
        label=_("Message"),
        max_length=CHAT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off", "maxlength": CHAT_MAX_LENGTH}),
        error_messages={
            "required": _("A chat message cannot be empty."),
            "max_length": _("A chat message can be at most %(limit_value)s characters."),
        },
    )

    def clean_message(self):
        # The same text rule as the socket's chat frames (one rule, whichever way a message comes).
        try:
            return safe_text(self.cleaned_data["message"], field="message")
        except ProtocolError as error:
            raise ValidationError(error.message, code=error.code) from None
