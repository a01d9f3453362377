"""Writes of assignments: create (by hand or from a generation result), edit items, publish,
deadlines, submissions and teachers' personal model keys.

Every function is keyword-only; several rows change inside one transaction; notifications go
through ``notices`` (rows in the caller's transaction, e-mail after the commit).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course

from . import keys, notices, permissions
from .models import Assignment, Card, GenerationRun, Generator, ModelApiKey, Question, Submission

logger = logging.getLogger(__name__)

MAX_OPTIONS = 6
MIN_OPTIONS = 2
TEXT_MAX = 2000


class SubmissionRefused(Exception):
    """A submission that may not be made; ``str()`` is the message for the student."""


# --- Items: shapes checked here whatever the caller (forms, generation, demo data) -------------


def _text(value, *, field: str, label: str) -> str:
    text = " ".join(str(value or "").split()) if field != "quote" else str(value or "").strip()
    if len(text) > TEXT_MAX:
        raise ValidationError(
            _("%(label)s is longer than %(max)s characters.") % {"label": label, "max": TEXT_MAX}, code="too_long"
        )
    return text


def clean_question(*, text, options: Sequence, correct, allow_repeats: bool = False) -> tuple[str, list[str], int]:
    """(text, options, correct) as stored, or ValidationError with a reason a teacher reads.
    ``allow_repeats``: a generated item whose options repeat is kept, flagged, for the teacher
    to fix in review (publishing refuses it until then)."""
    text = _text(text, field="text", label=_("The question"))
    if not text:
        raise ValidationError(_("Write the question."), code="required")
    cleaned = [_text(option, field="option", label=_("An option")) for option in options]
    cleaned = [option for option in cleaned if option]
    if not MIN_OPTIONS <= len(cleaned) <= MAX_OPTIONS:
        raise ValidationError(
            _("Give between %(min)s and %(max)s options.") % {"min": MIN_OPTIONS, "max": MAX_OPTIONS},
            code="options_count",
        )
    if not allow_repeats and has_repeats(cleaned):
        raise ValidationError(_("Two options are the same; make each option different."), code="repeated_options")
    try:
        correct = int(correct)
    except (TypeError, ValueError):
        raise ValidationError(_("Choose the correct option."), code="correct") from None
    if not 0 <= correct < len(cleaned):
        raise ValidationError(_("Choose the correct option among the options given."), code="correct")
    return text, cleaned, correct


def has_repeats(options: Sequence[str]) -> bool:
    return len({option.casefold() for option in options}) != len(options)


def clean_card(*, front, back) -> tuple[str, str]:
    front = _text(front, field="front", label=_("The front"))
    back = _text(back, field="back", label=_("The back"))
    if not front or not back:
        raise ValidationError(_("Write both sides of the card."), code="required")
    return front, back


def _page(value) -> int | None:
    try:
        page = int(value)
    except (TypeError, ValueError):
        return None
    return page if page > 0 else None


def _flags(value) -> list[str]:
    return [str(flag)[:64] for flag in value if flag] if isinstance(value, list | tuple) else []


def _next_order(assignment: Assignment) -> int:
    items = assignment.questions if assignment.is_quiz else assignment.cards
    top = items.aggregate(top=Max("order"))["top"]
    return 0 if top is None else top + 1


def items_of(assignment: Assignment):
    """The assignment's questions or cards, in order."""
    return (assignment.questions if assignment.is_quiz else assignment.cards).order_by("order", "pk")


def _build_item(assignment: Assignment, data: dict, order: int) -> Question | Card:
    source = {"page": _page(data.get("page")), "quote": _text(data.get("quote"), field="quote", label=_("The quote"))}
    if assignment.is_quiz:
        text, options, correct = clean_question(
            text=data.get("question"), options=data.get("options") or [], correct=data.get("correct"),
            allow_repeats=True,
        )
        return Question(assignment=assignment, order=order, text=text, options=options, correct=correct,
                        flags=_flags(data.get("flags")), **source)
    front, back = clean_card(front=data.get("front"), back=data.get("back"))
    return Card(assignment=assignment, order=order, front=front, back=back, flags=_flags(data.get("flags")), **source)


# --- Assignments ------------------------------------------------------------------------------


def assignment_create(
    *, course: Course, created_by: User, kind: str, title: str, deadline: datetime | None = None
) -> Assignment:
    """An empty draft the teacher fills by hand."""
    return Assignment.objects.create(
        course=course, created_by=created_by, kind=kind, title=title.strip()[:200], deadline=deadline,
        generator=Generator.MANUAL,
    )


@transaction.atomic
def assignment_create_from_generation(*, run: GenerationRun, result) -> Assignment:
    """The draft a finished run made, with all its items, or nothing at all (one transaction).
    Items the generator handed over in a shape the editor cannot hold are left out and logged."""
    title = run.title or _("%(kind)s from %(name)s") % {"kind": run.get_kind_display(), "name": run.source_name}
    assignment = Assignment.objects.create(
        course=run.course,
        created_by=run.created_by,
        kind=run.kind,
        title=title[:200],
        deadline=run.deadline,
        generator=Generator.MODEL if result.generator == "model" else Generator.BASIC,
        model_name=(result.model or "")[:200],
        language=(result.language or "")[:32],
        source_file=run.source_file.name,
        source_name=run.source_name,
    )
    items = []
    for data in result.items:
        try:
            items.append(_build_item(assignment, data, len(items)))
        except ValidationError as error:
            logger.warning("generation run %s: item left out (%s): %r", run.pk, error.messages, data)
    if not items:
        raise ValidationError(_("The generator returned no usable items."), code="no_items")
    (Question if assignment.is_quiz else Card).objects.bulk_create(items)
    run.assignment = assignment
    run.stage = GenerationRun.Stage.DONE
    run.generator = assignment.generator
    run.model_name = assignment.model_name
    run.prompt_tokens = max(int(result.prompt_tokens or 0), 0)
    run.completion_tokens = max(int(result.completion_tokens or 0), 0)
    run.finished_at = timezone.now()
    run.save()
    return assignment


@transaction.atomic
def assignment_update(*, assignment: Assignment, title: str, deadline: datetime | None) -> bool:
    """Rename and set, move or remove the deadline; the students of a published assignment hear
    of a changed deadline (one batch). Returns whether the deadline changed."""
    changed = assignment.deadline != deadline
    assignment.title = title.strip()[:200] or assignment.title
    assignment.deadline = deadline
    assignment.save(update_fields=["title", "deadline", "updated_at"])
    if changed and assignment.is_published:
        notices.deadline_changed(assignment=assignment)
    return changed


def publish_refusal(assignment: Assignment) -> str | None:
    if not items_of(assignment).exists():
        return _("Add at least one item before publishing.")
    if assignment.deadline and assignment.deadline <= timezone.now():
        return _("The deadline is in the past; move it or remove it before publishing.")
    if assignment.is_quiz and any(map(has_repeats, assignment.questions.values_list("options", flat=True))):
        return _("A question has two options that are the same; fix it before publishing.")
    return None


@transaction.atomic
def assignment_publish(*, assignment: Assignment) -> None:
    """Students see it from now on; those of a quiz with a deadline are told the deadline."""
    refusal = publish_refusal(assignment)
    if refusal:
        raise ValidationError(refusal, code="not_ready")
    updated = Assignment.objects.filter(pk=assignment.pk, status=Assignment.Status.DRAFT).update(
        status=Assignment.Status.PUBLISHED, published_at=timezone.now()
    )
    assignment.refresh_from_db()
    if updated and assignment.deadline:
        notices.deadline_changed(assignment=assignment)


@transaction.atomic
def assignment_unpublish(*, assignment: Assignment) -> None:
    """Back to a draft (hidden from students); refused once a student has submitted."""
    if assignment.submissions.exists():
        raise ValidationError(_("Students have already submitted this quiz; it stays published."), code="submitted")
    Assignment.objects.filter(pk=assignment.pk).update(status=Assignment.Status.DRAFT, published_at=None)
    assignment.refresh_from_db()


def assignment_delete(*, assignment: Assignment) -> None:
    name = assignment.source_file.name
    storage = assignment.source_file.storage
    with transaction.atomic():
        GenerationRun.objects.filter(assignment=assignment).delete()
        assignment.delete()
    if name:
        transaction.on_commit(partial(_delete_file, storage, name))


def _delete_file(storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:
        logger.warning("could not delete the source PDF %s", name)


# --- Items ------------------------------------------------------------------------------------


def _ensure_editable(assignment: Assignment) -> None:
    if assignment.is_quiz and assignment.submissions.exists():
        raise ValidationError(
            _("Students have already submitted this quiz; its questions can no longer change."), code="submitted"
        )


def question_add(*, assignment: Assignment, text: str, options: Sequence[str], correct: int) -> Question:
    _ensure_editable(assignment)
    text, options, correct = clean_question(text=text, options=options, correct=correct)
    return Question.objects.create(
        assignment=assignment, order=_next_order(assignment), text=text, options=options, correct=correct
    )


def card_add(*, assignment: Assignment, front: str, back: str) -> Card:
    front, back = clean_card(front=front, back=back)
    return Card.objects.create(assignment=assignment, order=_next_order(assignment), front=front, back=back)


def question_update(*, question: Question, text: str, options: Sequence[str], correct: int) -> Question:
    """The teacher's version replaces the generator's; the review flags go with it."""
    _ensure_editable(question.assignment)
    question.text, question.options, question.correct = clean_question(text=text, options=options, correct=correct)
    question.flags = []
    question.save(update_fields=["text", "options", "correct", "flags"])
    return question


def card_update(*, card: Card, front: str, back: str) -> Card:
    card.front, card.back = clean_card(front=front, back=back)
    card.flags = []
    card.save(update_fields=["front", "back", "flags"])
    return card


def item_replace(*, item: Question | Card, data: dict) -> Question | Card:
    """Put a regenerated item in place of ``item`` (same place, new text, source and flags)."""
    assignment = item.assignment
    _ensure_editable(assignment)
    new = _build_item(assignment, data, item.order)
    new.pk = item.pk
    new.save()
    return new


def item_delete(*, item: Question | Card) -> None:
    _ensure_editable(item.assignment)
    item.delete()


@transaction.atomic
def item_move(*, item: Question | Card, offset: int) -> bool:
    """Move one place up (-1) or down (+1); orders are renumbered 0..n-1. Returns whether it moved."""
    items = list(items_of(item.assignment).select_for_update())
    index = next((i for i, other in enumerate(items) if other.pk == item.pk), None)
    target = None if index is None else index + offset
    if target is None or not 0 <= target < len(items):
        return False
    items[index], items[target] = items[target], items[index]
    for order, each in enumerate(items):
        each.order = order
    type(item).objects.bulk_update(items, ["order"])
    return True


# --- Submissions ------------------------------------------------------------------------------


def score_answers(*, questions: Sequence[Question], answers: Sequence) -> tuple[list[int], int]:
    """Validated answers (one option index per question) and the score, or SubmissionRefused."""
    if len(answers) != len(questions):
        raise SubmissionRefused(_("Answer every question before submitting."))
    chosen = []
    for question, answer in zip(questions, answers, strict=True):
        try:
            value = int(answer)
        except (TypeError, ValueError):
            raise SubmissionRefused(_("Answer every question before submitting.")) from None
        if not 0 <= value < len(question.options):
            raise SubmissionRefused(_("One of the answers is not an option of its question."))
        chosen.append(value)
    score = sum(1 for question, value in zip(questions, chosen, strict=True) if question.correct == value)
    return chosen, score


def submission_create(*, assignment: Assignment, student: User, answers: Sequence) -> Submission:
    """Score a student's answers on the server and keep them: once per student and quiz (the
    unique constraint decides between parallel requests), never after the deadline, never for a
    student blocked from or not enrolled in the course."""
    already = Submission.objects.filter(assignment=assignment, student=student).exists()
    refusal = permissions.submit_refusal(student, assignment, already_submitted=already)
    if refusal:
        raise SubmissionRefused(refusal)
    questions = list(items_of(assignment))
    chosen, score = score_answers(questions=questions, answers=answers)
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                assignment=assignment, student=student, answers=chosen, score=score, total=len(questions),
                submitted_at=timezone.now(),
            )
            notices.quiz_submitted(submission=submission, student=student)
    except IntegrityError:
        raise SubmissionRefused(_("You have already submitted this quiz; each student submits once.")) from None
    return submission


# --- Generation runs (their stages; the task queue runs them, see tasks.py) -------------------


def run_stage_set(*, run_id: int, stage: str) -> None:
    """Record the stage the worker reached; the progress page reads it (committed at once)."""
    GenerationRun.objects.filter(pk=run_id).exclude(
        stage__in=[GenerationRun.Stage.DONE, GenerationRun.Stage.FAILED]
    ).update(stage=stage, updated_at=timezone.now())


def run_fail(*, run_id: int, message: str, code: str = "", prompt_tokens: int = 0, completion_tokens: int = 0) -> None:
    GenerationRun.objects.filter(pk=run_id).update(
        stage=GenerationRun.Stage.FAILED, error=message, error_code=code[:64], finished_at=timezone.now(),
        updated_at=timezone.now(), prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
    )


# --- Personal model API keys ------------------------------------------------------------------


def model_key_save(*, teacher: User, key: str) -> ModelApiKey:
    key = key.strip()
    record, _created = ModelApiKey.objects.update_or_create(
        teacher=teacher, defaults={"encrypted": keys.key_encrypt(key), "last4": key[-4:]}
    )
    return record


def model_key_delete(*, teacher: User) -> bool:
    return ModelApiKey.objects.filter(teacher=teacher).delete()[0] > 0


def model_key_of(*, teacher: User) -> str | None:
    """The teacher's own key in plain text (only ever handed to the model client)."""
    record = ModelApiKey.objects.filter(teacher=teacher).first()
    return keys.key_decrypt(record.encrypted) if record else None

