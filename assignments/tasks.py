"""Generation off the request path: a teacher's request becomes a queued ``GenerationRun``; the
worker (`manage.py db_worker`) runs ``generation.generate`` on it, recording each stage so the
progress page can show it, and ends in a draft assignment or a clear message — never a
half-saved assignment (the draft and its items are written in one transaction at the end).
"""

from __future__ import annotations

import logging
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from accounts.models import User
from courses.models import Course, CourseMaterial

from . import selectors, services
from .generation import GenerationError, generate, regenerate_item
from .models import Assignment, Card, GenerationRun, Question
from .pdf import PdfError, extract_pages

logger = logging.getLogger(__name__)

UNEXPECTED = gettext_lazy("Something went wrong while generating. Nothing was saved; please try again.")
MAX_UNFINISHED_RUNS = 3


class RunRefused(Exception):
    """A run that may not start; ``str()`` is the message for the teacher."""


def budget_refusal(*, teacher: User) -> str | None:
    budget = settings.ASSIGNMENTS_DAILY_TOKEN_BUDGET
    if budget and selectors.tokens_used_today(teacher=teacher) >= budget:
        return _(
            "You have used today's generation budget of %(budget)s model tokens. It starts afresh "
            "at midnight; until then, write items by hand."
        ) % {"budget": f"{budget:,}"}
    return None


def generation_run_create(
    *,
    course: Course,
    teacher: User,
    kind: str,
    count: int,
    title: str = "",
    deadline=None,
    pdf=None,
    material: CourseMaterial | None = None,
) -> GenerationRun:
    """Keep a copy of the PDF (an upload or a course material) privately and queue the run
    after the commit. Raises RunRefused for a spent budget or too many runs at once."""
    refusal = budget_refusal(teacher=teacher)
    if refusal:
        raise RunRefused(refusal)
    if selectors.unfinished_runs(teacher=teacher) >= MAX_UNFINISHED_RUNS:
        raise RunRefused(
            _("You already have %(n)s generations running; wait for one to finish.") % {"n": MAX_UNFINISHED_RUNS}
        )
    if material is not None:
        with material.file.open("rb") as handle:
            content, name = ContentFile(handle.read()), material.original_name
    else:
        content, name = pdf, pdf.name
    with transaction.atomic():
        run = GenerationRun(
            course=course, created_by=teacher, kind=kind, count=count, title=title.strip()[:200],
            deadline=deadline, source_name=name[:255], material=material,
        )
        run.source_file.save("source.pdf", content, save=False)
        run.save()
        transaction.on_commit(partial(_enqueue, run.pk))
    return run


def _enqueue(run_id: int) -> None:
    try:
        generate_assignment.enqueue(run_id)
    except Exception:
        logger.exception("could not queue generation run %s", run_id)
        services.run_fail(run_id=run_id, message=_("The task queue is not available; please try again later."),
                          code="queue")


@task()
def generate_assignment(run_id: int) -> str:
    """The worker's side of a run."""
    return generation_run_execute(run_id=run_id)


def generation_run_execute(*, run_id: int) -> str:
    """Run the generator on a queued run; returns how it ended (for the task's result row)."""
    outcome = _execute(run_id)
    if outcome in ("failed", "budget"):
        _discard_source(run_id)
    return outcome


def _discard_source(run_id: int) -> None:
    """A failed run's PDF is of no more use (trying again uploads it again)."""
    run = GenerationRun.objects.filter(pk=run_id, assignment__isnull=True).first()
    if run and run.source_file:
        try:
            run.source_file.storage.delete(run.source_file.name)
        except OSError:
            logger.warning("could not delete the PDF of failed run %s", run_id)


def _execute(run_id: int) -> str:
    run = GenerationRun.objects.select_related("course", "created_by").filter(pk=run_id).first()
    if run is None or run.stage != GenerationRun.Stage.QUEUED:
        return "skipped"  # deleted, or already taken by another worker
    refusal = budget_refusal(teacher=run.created_by)
    if refusal:
        services.run_fail(run_id=run.pk, message=refusal, code="budget")
        return "budget"
    services.run_stage_set(run_id=run.pk, stage=GenerationRun.Stage.READING)
    try:
        with run.source_file.open("rb") as handle:
            data = handle.read()
        result = generate(
            data,
            kind=run.kind,
            count=run.count,
            api_key=services.model_key_of(teacher=run.created_by),
            on_stage=lambda stage: services.run_stage_set(run_id=run.pk, stage=getattr(stage, "value", stage)),
        )
    except GenerationError as error:
        services.run_fail(run_id=run.pk, message=str(error), code=getattr(error, "code", ""))
        return "failed"
    except FileNotFoundError:
        services.run_fail(run_id=run.pk, message=_("The PDF is missing on the server; upload it again."), code="missing")
        return "failed"
    except Exception:
        logger.exception("generation run %s failed", run.pk)
        services.run_fail(run_id=run.pk, message=str(UNEXPECTED), code="unexpected")
        return "failed"
    try:
        services.assignment_create_from_generation(run=run, result=result)
    except ValidationError as error:
        services.run_fail(run_id=run.pk, message=" ".join(error.messages), code="no_items",
                          prompt_tokens=result.prompt_tokens or 0, completion_tokens=result.completion_tokens or 0)
        return "failed"
    except Exception:
        logger.exception("generation run %s could not be saved", run.pk)
        services.run_fail(run_id=run.pk, message=str(UNEXPECTED), code="unexpected")
        return "failed"
    return "done"


PDF_MESSAGES = {
    "encrypted": gettext_lazy("The source PDF is protected by a password."),
    "corrupt": gettext_lazy("The source PDF cannot be read."),
    "no_text": gettext_lazy("The source PDF has no text to read."),
    "too_large": gettext_lazy("The source PDF is too large."),
}


def item_regenerate(*, item: Question | Card, teacher: User) -> Question | Card:
    """Ask the generator for a new version of one item from the assignment's source PDF.
    Raises RunRefused with a message for the teacher."""
    assignment: Assignment = item.assignment
    if not assignment.source_file:
        raise RunRefused(_("This assignment was written by hand: there is no PDF to regenerate from."))
    refusal = budget_refusal(teacher=teacher)
    if refusal:
        raise RunRefused(refusal)
    try:
        with assignment.source_file.open("rb") as handle:
            data = handle.read()
        # The file was accepted when the assignment was generated: no new size limits here.
        pages = extract_pages(data, max_bytes=len(data), max_pages=1_000_000)
        others = [_as_dict(other) for other in services.items_of(assignment) if other.pk != item.pk]
        new = regenerate_item(pages, kind=assignment.kind, item=_as_dict(item), existing=others,
                              api_key=services.model_key_of(teacher=teacher))
    except FileNotFoundError:
        raise RunRefused(_("The source PDF is missing on the server.")) from None
    except PdfError as error:
        raise RunRefused(str(PDF_MESSAGES.get(error.code, PDF_MESSAGES["corrupt"]))) from None
    except GenerationError as error:
        raise RunRefused(str(error)) from None
    try:
        return services.item_replace(item=item, data=new)
    except ValidationError as error:
        raise RunRefused(" ".join(error.messages)) from None


def _as_dict(item: Question | Card) -> dict:
    source = {"page": item.page, "quote": item.quote, "flags": list(item.flags)}
    if isinstance(item, Question):
        return {"question": item.text, "options": list(item.options), "correct": item.correct, **source}
    return {"front": item.front, "back": item.back, **source}
