"""Every textarea with a length limit counts a line break as one character, as the browser does
(browsers submit line breaks as CRLF: the server used to count two and refuse a full box)."""

import pytest

from accounts.forms import ProfileForm, StatusUpdateForm
from accounts.models import STATUS_UPDATE_MAX_LENGTH
from assignments import services as assignment_services
from assignments.forms import CardForm, QuestionForm
from classroom.forms import ChatForm
from classroom.models import CHAT_MAX_LENGTH
from courses.forms import CourseForm, FeedbackForm


def full_box(limit: int, breaks: int = 3, newline: str = "\r\n") -> str:
    """``limit`` characters as the browser counts them, ``breaks`` of them line breaks."""
    line = "x" * ((limit - breaks) // (breaks + 1))
    text = newline.join([line] * (breaks + 1))
    return text + "y" * (limit - breaks - len(text.replace(newline, "")))


def test_the_helper_fills_the_box_exactly():
    assert len(full_box(5000, newline="\n")) == 5000 and len(full_box(5000)) == 5003


TEXTAREAS = [
    (CourseForm, "description", 5000, {"title": "Algebra", "code": "ALG-1"}),
    (FeedbackForm, "comment", 2000, {"rating": "4"}),
    (ProfileForm, "bio", 2000, {"full_name": "Ada", "email": "ada@example.org"}),
    (StatusUpdateForm, "text", STATUS_UPDATE_MAX_LENGTH, {}),
    (ChatForm, "message", CHAT_MAX_LENGTH, {}),
    (CardForm, "front", assignment_services.TEXT_MAX, {"back": "b"}),
    (QuestionForm, "text", assignment_services.TEXT_MAX, {"correct": "0", "option_0": "a", "option_1": "b"}),
]


@pytest.mark.django_db
@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
@pytest.mark.parametrize("form_class,field,limit,rest", TEXTAREAS, ids=[f"{t[0].__name__}.{t[1]}" for t in TEXTAREAS])
def test_a_full_box_with_line_breaks_is_accepted_and_kept_with_lf(form_class, field, limit, rest, newline):
    form = form_class({**rest, field: full_box(limit, newline=newline)})
    assert form.is_valid(), form.errors
    # (A question's text is kept on one line by the assignments service: no line breaks left.)
    assert form.cleaned_data[field] in (full_box(limit, newline="\n"), " ".join(full_box(limit).split()))


@pytest.mark.django_db
@pytest.mark.parametrize("form_class,field,limit,rest", TEXTAREAS, ids=[f"{t[0].__name__}.{t[1]}" for t in TEXTAREAS])
def test_one_character_more_is_still_refused(form_class, field, limit, rest):
    form = form_class({**rest, field: full_box(limit) + "z"})
    assert not form.is_valid() and field in form.errors
