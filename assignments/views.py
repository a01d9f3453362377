"""Assignment pages: list, generate or start by hand, generation progress, the teacher's review
editor, the student's quiz and deck, results, submissions, exports, and the personal model key."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from courses.access import course_or_deny

from . import exports, permissions, selectors, services, tasks
from .forms import AssignmentSettingsForm, CardForm, GenerateForm, ManualForm, ModelKeyForm, QuestionForm
from .models import Assignment, Card, GenerationRun, Kind, ModelApiKey, Question


def _managed_course(request, course_id: int):
    return course_or_deny(
        request.user, course_id, permissions.can_manage_assignments,
        refusal=_("Only the teacher of this course can manage its assignments."),
    )


def _assignment(request, course_id: int, pk: int, *, manage: bool = False) -> Assignment:
    """The assignment when the user may see it (manage: edit it); drafts are 404 to students."""
    check = permissions.can_manage_assignments if manage else permissions.can_view_assignments
    refusal = _("Only the teacher of this course can change its assignments.") if manage else _(
        "Only the course's teacher and its enrolled students can open its assignments."
    )
    course = course_or_deny(request.user, course_id, check, refusal=refusal)
    assignment = selectors.assignment_for(course=course, pk=pk)
    if assignment is None or not permissions.can_view_assignment(request.user, assignment):
        raise Http404
    return assignment


def _item(assignment: Assignment, item_id: int) -> Question | Card:
    model = Question if assignment.is_quiz else Card
    item = get_object_or_404(model, pk=item_id, assignment=assignment)
    item.assignment = assignment
    return item


# --- List and creation ------------------------------------------------------------------------


@login_required
def assignment_list(request, course_id: int):
    course = course_or_deny(
        request.user, course_id, permissions.can_view_assignments,
        refusal=_("Only the course's teacher and its enrolled students can open its assignments."),
    )
    manage = permissions.can_manage_assignments(request.user, course)
    assignments = selectors.course_assignments(
        course=course, include_drafts=manage, student=None if manage else request.user
    )
    return render(request, "assignments/list.html", {"course": course, "assignments": assignments, "manage": manage})


def _render_new(request, course, generate_form, manual_form, status=200):
    return render(
        request, "assignments/new.html",
        {"course": course, "form": generate_form, "manual_form": manual_form,
         "model_key": ModelApiKey.objects.filter(teacher=request.user).first()},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def assignment_new(request, course_id: int):
    course = _managed_course(request, course_id)
    materials = selectors.pdf_materials(course=course)
    if request.method != "POST":
        return _render_new(request, course, GenerateForm(materials=materials), ManualForm(prefix="manual"))
    form = GenerateForm(request.POST, request.FILES, materials=materials)
    if not form.is_valid():
        return _render_new(request, course, form, ManualForm(prefix="manual"), status=400)
    data = form.cleaned_data
    try:
        run = tasks.generation_run_create(
            course=course, teacher=request.user, kind=data["kind"], count=data["count"], title=data["title"],
            deadline=data["deadline"], pdf=data["pdf"], material=data["material"],
        )
    except tasks.RunRefused as refusal:
        form.add_error(None, str(refusal))
        return _render_new(request, course, form, ManualForm(prefix="manual"), status=400)
    return redirect(run)


@require_POST
@login_required
def assignment_new_manual(request, course_id: int):
    course = _managed_course(request, course_id)
    form = ManualForm(request.POST, prefix="manual")
    if not form.is_valid():
        materials = selectors.pdf_materials(course=course)
        return _render_new(request, course, GenerateForm(materials=materials), form, status=400)
    assignment = services.assignment_create(course=course, created_by=request.user, **form.cleaned_data)
    messages.success(request, _("Draft created. Add its items, then publish it."))
    return redirect(assignment)


@login_required
def run_detail(request, course_id: int, run_id: int):
    """The progress of one generation; refreshes itself until the run is done or failed."""
    course = _managed_course(request, course_id)
    run = get_object_or_404(GenerationRun.objects.select_related("assignment"), pk=run_id, course=course)
    if request.GET.get("format") == "json":
        return JsonResponse({"stage": run.stage, "finished": run.is_finished})
    return render(request, "assignments/run.html", {"course": course, "run": run})


# --- One assignment ---------------------------------------------------------------------------


@login_required
def assignment_detail(request, course_id: int, pk: int):
    assignment = _assignment(request, course_id, pk)
    if permissions.can_manage_assignments(request.user, assignment.course):
        return _render_editor(request, assignment)
    if not assignment.is_quiz:
        return render(request, "assignments/deck.html", {
            "assignment": assignment, "course": assignment.course, "cards": list(services.items_of(assignment)),
        })
    submission = selectors.submission_of(assignment=assignment, student=request.user)
    if submission is not None:
        return redirect("assignments:result", assignment.course_id, assignment.pk)
    return _render_quiz(request, assignment)


def _render_quiz(request, assignment, *, chosen=None, error=None, status=200):
    refusal = permissions.submit_refusal(request.user, assignment, already_submitted=False)
    return render(request, "assignments/quiz.html", {
        "assignment": assignment, "course": assignment.course, "questions": list(services.items_of(assignment)),
        "chosen": chosen or {}, "error": error, "refusal": refusal,
    }, status=status)


def _render_editor(request, assignment, *, bound=None, new_form=None, settings_form=None, status=200):
    bound = bound or {}
    items = list(services.items_of(assignment))
    rows = []
    for item in items:
        if item.pk in bound:
            form = bound[item.pk]
        elif assignment.is_quiz:
            form = QuestionForm(initial=QuestionForm.initial_for(item), prefix=f"q{item.pk}")
        else:
            form = CardForm(initial={"front": item.front, "back": item.back}, prefix=f"c{item.pk}")
        rows.append({"item": item, "form": form})
    if new_form is None:
        new_form = QuestionForm(prefix="new") if assignment.is_quiz else CardForm(prefix="new")
    if settings_form is None:
        settings_form = AssignmentSettingsForm(
            initial={"title": assignment.title, "deadline": assignment.deadline}, was=assignment.deadline
        )
    locked = assignment.is_quiz and assignment.submissions.exists()
    return render(request, "assignments/editor.html", {
        "assignment": assignment, "course": assignment.course, "rows": rows, "new_form": new_form,
        "settings_form": settings_form, "locked": locked, "publish_refusal": services.publish_refusal(assignment),
        "flagged": sum(1 for item in items if item.flags),
    }, status=status)


@require_POST
@login_required
def assignment_settings(request, course_id: int, pk: int):
    assignment = _assignment(request, course_id, pk, manage=True)
    form = AssignmentSettingsForm(request.POST, was=assignment.deadline)
    if not form.is_valid():
        return _render_editor(request, assignment, settings_form=form, status=400)
    changed = services.assignment_update(assignment=assignment, **form.cleaned_data)
    if changed and assignment.is_published:
        messages.success(request, _("Saved. The students were told about the deadline."))
    else:
        messages.success(request, _("Saved."))
    return redirect(assignment)


@require_POST
@login_required
def assignment_publish(request, course_id: int, pk: int):
    assignment = _assignment(request, course_id, pk, manage=True)
    try:
        services.assignment_publish(assignment=assignment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Published: the course's students can see it now."))
    return redirect(assignment)


@require_POST
@login_required
def assignment_unpublish(request, course_id: int, pk: int):
    assignment = _assignment(request, course_id, pk, manage=True)
    try:
        services.assignment_unpublish(assignment=assignment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Back to draft: students no longer see it."))
    return redirect(assignment)


@require_POST
@login_required
def assignment_delete(request, course_id: int, pk: int):
    assignment = _assignment(request, course_id, pk, manage=True)
    title = assignment.title
    services.assignment_delete(assignment=assignment)
    messages.success(request, _("“%(title)s” deleted.") % {"title": title})
    return redirect("assignments:list", course_id)


# --- Items ------------------------------------------------------------------------------------


def _item_anchor(assignment, item=None) -> str:
    return assignment.get_absolute_url() + (f"#item-{item.pk}" if item else "#new-item")


@require_POST
@login_required
def item_add(request, course_id: int, pk: int):
    assignment = _assignment(request, course_id, pk, manage=True)
    form = (QuestionForm if assignment.is_quiz else CardForm)(request.POST, prefix="new")
    if not form.is_valid():
        return _render_editor(request, assignment, new_form=form, status=400)
    try:
        if assignment.is_quiz:
            item = services.question_add(assignment=assignment, text=form.cleaned_data["text"],
                                         options=form.cleaned_data["options"], correct=form.cleaned_data["correct"])
        else:
            item = services.card_add(assignment=assignment, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(assignment)
    messages.success(request, _("Item added."))
    return redirect(_item_anchor(assignment, item))


@require_POST
@login_required
def item_edit(request, course_id: int, pk: int, item_id: int):
    assignment = _assignment(request, course_id, pk, manage=True)
    item = _item(assignment, item_id)
    if assignment.is_quiz:
        form = QuestionForm(request.POST, prefix=f"q{item.pk}")
    else:
        form = CardForm(request.POST, prefix=f"c{item.pk}")
    if not form.is_valid():
        return _render_editor(request, assignment, bound={item.pk: form}, status=400)
    try:
        if assignment.is_quiz:
            services.question_update(question=item, text=form.cleaned_data["text"],
                                     options=form.cleaned_data["options"], correct=form.cleaned_data["correct"])
        else:
            services.card_update(card=item, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Item saved."))
    return redirect(_item_anchor(assignment, item))


@require_POST
@login_required
def item_delete(request, course_id: int, pk: int, item_id: int):
    assignment = _assignment(request, course_id, pk, manage=True)
    item = _item(assignment, item_id)
    try:
        services.item_delete(item=item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Item removed."))
    return redirect(assignment)


@require_POST
@login_required
def item_move(request, course_id: int, pk: int, item_id: int):
    assignment = _assignment(request, course_id, pk, manage=True)
    item = _item(assignment, item_id)
    services.item_move(item=item, offset=-1 if request.POST.get("direction") == "up" else 1)
    return redirect(_item_anchor(assignment, item))


@require_POST
@login_required
def item_regenerate(request, course_id: int, pk: int, item_id: int):
    assignment = _assignment(request, course_id, pk, manage=True)
    item = _item(assignment, item_id)
    try:
        item = tasks.item_regenerate(item=item, teacher=request.user)
    except tasks.RunRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Item regenerated; check it against the cited page."))
    return redirect(_item_anchor(assignment, item))


# --- Taking a quiz ----------------------------------------------------------------------------


@require_POST
@login_required
def quiz_submit(request, course_id: int, pk: int):
    assignment = _assignment(request, course_id, pk)
    if not assignment.is_quiz:
        raise Http404
    questions = list(services.items_of(assignment))
    answers = [request.POST.get(f"q{question.pk}") for question in questions]
    try:
        services.submission_create(assignment=assignment, student=request.user, answers=answers)
    except services.SubmissionRefused as refusal:
        if selectors.submission_of(assignment=assignment, student=request.user):
            messages.error(request, str(refusal))
            return redirect("assignments:result", assignment.course_id, assignment.pk)
        chosen = {question.pk: answer for question, answer in zip(questions, answers, strict=True)}
        return _render_quiz(request, assignment, chosen=chosen, error=str(refusal), status=400)
    messages.success(request, _("Submitted. Here is your result."))
    return redirect("assignments:result", assignment.course_id, assignment.pk)


@login_required
def quiz_result(request, course_id: int, pk: int):
    assignment = _assignment(request, course_id, pk)
    submission = selectors.submission_of(assignment=assignment, student=request.user) if assignment.is_quiz else None
    if submission is None:
        raise Http404(_("You have not submitted this quiz."))
    questions = list(services.items_of(assignment))
    rows = []
    for index, question in enumerate(questions):
        chosen = submission.answers[index] if index < len(submission.answers) else None
        rows.append({"question": question, "chosen": chosen, "right": chosen == question.correct})
    return render(request, "assignments/result.html", {
        "assignment": assignment, "course": assignment.course, "submission": submission, "rows": rows,
    })


# --- Teacher: submissions and exports ---------------------------------------------------------


CHART_WIDTH, CHART_HEIGHT = 400, 160


@login_required
def submissions(request, course_id: int, pk: int):
    assignment = _assignment(request, course_id, pk, manage=True)
    if not assignment.is_quiz:
        raise Http404
    summary = selectors.submission_summary(assignment=assignment)
    top = max((band["count"] for band in summary["bands"]), default=0) or 1
    width = CHART_WIDTH / len(summary["bands"])
    bars = [
        {**band, "x": round(i * width + 2, 1), "width": round(width - 4, 1),
         "height": round(band["count"] / top * (CHART_HEIGHT - 20), 1),
         "y": round(CHART_HEIGHT - band["count"] / top * (CHART_HEIGHT - 20), 1), "label_x": round(i * width + width / 2, 1)}
        for i, band in enumerate(summary["bands"])
    ]
    return render(request, "assignments/submissions.html", {
        "assignment": assignment, "course": assignment.course,
        "submissions": selectors.submissions_of(assignment=assignment), "summary": summary, "bars": bars,
        "chart_width": CHART_WIDTH, "chart_height": CHART_HEIGHT,
    })


def _download(content, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def submissions_csv(request, course_id: int, pk: int):
    assignment = _assignment(request, course_id, pk, manage=True)
    if not assignment.is_quiz:
        raise Http404
    return _download(
        exports.submissions_csv(selectors.submissions_of(assignment=assignment)),
        filename=f"{slugify(assignment.title) or 'quiz'}-submissions.csv", content_type="text/csv; charset=utf-8",
    )


EXPORTS = {
    # format: (kind, builder, extension, content type)
    "moodle": (Kind.QUIZ, lambda a, items: exports.moodle_xml(a, items), "xml", "application/xml"),
    "gift": (Kind.QUIZ, lambda a, items: exports.gift(a, items), "gift.txt", "text/plain; charset=utf-8"),
    "csv": (Kind.FLASHCARDS, lambda a, items: exports.deck_csv(items), "csv", "text/csv; charset=utf-8"),
    "tsv": (Kind.FLASHCARDS, lambda a, items: exports.deck_tsv(items), "tsv", "text/tab-separated-values; charset=utf-8"),
}


@login_required
def assignment_export(request, course_id: int, pk: int, fmt: str):
    assignment = _assignment(request, course_id, pk, manage=True)
    if fmt not in EXPORTS or EXPORTS[fmt][0] != assignment.kind:
        raise Http404
    _kind, build, extension, content_type = EXPORTS[fmt]
    return _download(
        build(assignment, list(services.items_of(assignment))),
        filename=f"{slugify(assignment.title) or assignment.kind}.{extension}", content_type=content_type,
    )


# --- Personal model key -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def model_key(request):
    if not permissions.can_store_model_key(request.user):
        raise PermissionDenied(_("Only teachers can store a model key."))
    record = ModelApiKey.objects.filter(teacher=request.user).first()
    if record is not None:
        # Unreadable after the site's secret changed: say so, rather than silently not using it.
        record.readable = services.model_key_of(teacher=request.user) is not None
    form = ModelKeyForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            services.model_key_save(teacher=request.user, key=form.cleaned_data["key"])
            messages.success(request, _("Your key is saved, encrypted. Generation now uses it."))
            return redirect("model_key:edit")
        return render(request, "assignments/model_key.html", {"form": form, "record": record}, status=400)
    return render(request, "assignments/model_key.html", {"form": form, "record": record})


@require_POST
@login_required
def model_key_delete(request):
    if not permissions.can_store_model_key(request.user):
        raise PermissionDenied(_("Only teachers can store a model key."))
    if services.model_key_delete(teacher=request.user):
        messages.success(request, _("Your key was removed."))
    return redirect("model_key:edit")


