"""Generation runs: queued by the request, executed by the worker with the generator (faked
here; the pipeline has its own tests), stages recorded, failures end in a message, never in a
half-saved assignment; the daily token budget."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult

from assignments import services, tasks
from assignments.models import Assignment, Card, GenerationRun, Question
from courses.tests.factories import CourseFactory, MaterialFactory

from assignments.generation import GenerationError

from .fakes import quiz_items

PDF = b"%PDF-1.4\n% a stand-in: the generator is faked\n%%EOF\n"


@pytest.fixture
def course(teacher):
    return CourseFactory(teacher=teacher)


def queue(course, teacher, *, kind="quiz", count=3, **kwargs) -> GenerationRun:
    return tasks.generation_run_create(
        course=course, teacher=teacher, kind=kind, count=count,
        pdf=SimpleUploadedFile("Cells chapter 1.pdf", PDF, content_type="application/pdf"), **kwargs,
    )


def test_run_is_queued_after_commit_and_keeps_the_pdf(course, teacher, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = queue(course, teacher, title="Chapter 1")
    assert run.stage == "queued" and run.source_name == "Cells chapter 1.pdf"
    with run.source_file.open("rb") as handle:
        assert handle.read() == PDF
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [run.pk]


def test_worker_makes_a_draft_with_every_item_and_records_stages(course, teacher, fake_generator, monkeypatch):
    seen = []
    original = services.run_stage_set

    def spy(*, run_id, stage):
        seen.append(stage)
        original(run_id=run_id, stage=stage)

    monkeypatch.setattr(services, "run_stage_set", spy)
    fake_generator.generator, fake_generator.prompt_tokens, fake_generator.completion_tokens = "model", 1200, 300
    run = queue(course, teacher, count=4, title="Chapter 1")
    assert tasks.generation_run_execute(run_id=run.pk) == "done"
    run.refresh_from_db()
    assert seen == ["reading", "reading", "asking", "checking"]
    assert (run.stage, run.prompt_tokens, run.completion_tokens, run.generator) == ("done", 1200, 300, "model")
    quiz = run.assignment
    assert (quiz.title, quiz.status, quiz.generator, quiz.model_name) == ("Chapter 1", "draft", "model", "fake-model")
    questions = list(services.items_of(quiz))
    assert [q.text for q in questions] == [f"What is {n} + {n}?" for n in range(1, 5)]
    assert questions[0].flags == ["source_not_found"] and questions[0].page == 2
    assert quiz.source_file.name == run.source_file.name
    assert fake_generator.calls[0]["bytes"] == PDF and fake_generator.calls[0]["api_key"] is None
    # Run twice (a second worker): nothing more happens.
    assert tasks.generation_run_execute(run_id=run.pk) == "skipped"
    assert Assignment.objects.count() == 1


def test_flashcards_from_a_course_material_with_the_teachers_key(course, teacher, fake_generator):
    material = MaterialFactory(course=course, original_name="notes.pdf")
    services.model_key_save(teacher=teacher, key="sk-personal-1234")
    run = tasks.generation_run_create(course=course, teacher=teacher, kind="flashcards", count=2, material=material)
    tasks.generation_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.assignment.title == "Flashcards from notes.pdf"
    assert Card.objects.filter(assignment=run.assignment).count() == 2
    assert fake_generator.calls[0]["api_key"] == "sk-personal-1234"


@pytest.mark.parametrize("code", ["encrypted", "no_text", "timeout", "rate_limit", "malformed"])
def test_generation_errors_end_in_their_message_and_nothing_saved(course, teacher, fake_generator, code):
    fake_generator.error = GenerationError(f"A clear message about {code}.", code)
    run = queue(course, teacher)
    assert tasks.generation_run_execute(run_id=run.pk) == "failed"
    run.refresh_from_db()
    assert (run.stage, run.error, run.error_code) == ("failed", f"A clear message about {code}.", code)
    assert not Assignment.objects.exists()
    assert not run.source_file.storage.exists(run.source_file.name)  # the failed run's PDF is gone


def test_unexpected_error_is_logged_and_told_plainly(course, teacher, fake_generator):
    fake_generator.error = RuntimeError("boom")
    run = queue(course, teacher)
    tasks.generation_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.stage == "failed" and "Nothing was saved" in run.error and "boom" not in run.error


def test_a_failure_while_saving_leaves_no_half_assignment(course, teacher, fake_generator, monkeypatch):
    def broken_bulk_create(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Question.objects, "bulk_create", broken_bulk_create)
    run = queue(course, teacher)
    tasks.generation_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.stage == "failed"
    assert not Assignment.objects.exists() and not Question.objects.exists()


def test_unusable_items_are_left_out_and_none_usable_fails(course, teacher, fake_generator):
    good = quiz_items(1)[0]
    fake_generator.items = [good, {"question": "No options?", "options": [], "correct": 0}]
    run = queue(course, teacher)
    tasks.generation_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.assignment.questions.count() == 1
    fake_generator.items = [{"question": "", "options": ["a"], "correct": 5}]
    run = queue(course, teacher)
    tasks.generation_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.stage == "failed" and "no usable items" in run.error
    assert Assignment.objects.count() == 1


def test_daily_token_budget(course, teacher, fake_generator, settings):
    settings.ASSIGNMENTS_DAILY_TOKEN_BUDGET = 1000
    fake_generator.prompt_tokens, fake_generator.completion_tokens = 900, 200
    run = queue(course, teacher)
    tasks.generation_run_execute(run_id=run.pk)
    with pytest.raises(tasks.RunRefused, match="budget of 1,000"):
        queue(course, teacher)
    # A run queued before the budget ran out is refused by the worker with the same message.
    GenerationRun.objects.update(prompt_tokens=0)
    waiting = queue(course, teacher)
    GenerationRun.objects.filter(pk=run.pk).update(prompt_tokens=5000)
    tasks.generation_run_execute(run_id=waiting.pk)
    waiting.refresh_from_db()
    assert waiting.stage == "failed" and "budget" in waiting.error
    settings.ASSIGNMENTS_DAILY_TOKEN_BUDGET = 0  # no limit
    queue(course, teacher)


def test_at_most_three_unfinished_runs(course, teacher):
    for _ in range(3):
        queue(course, teacher)
    with pytest.raises(tasks.RunRefused, match="running"):
        queue(course, teacher)


def test_regenerate_one_item(course, teacher, fake_generator, monkeypatch):
    run = queue(course, teacher)
    tasks.generation_run_execute(run_id=run.pk)
    quiz = Assignment.objects.get()
    second = services.items_of(quiz)[1]
    calls = []

    def regenerate(pages, *, kind, item, existing, api_key):
        calls.append((pages, kind, item))
        assert [other["question"] for other in existing] == [q.text for q in services.items_of(quiz) if q.pk != second.pk]
        return {"question": "Better?", "options": ["yes", "no"], "correct": 1, "page": 3, "quote": "better", "flags": ["duplicate"]}

    monkeypatch.setattr(tasks, "regenerate_item", regenerate)
    monkeypatch.setattr(tasks, "extract_pages", lambda data, **kw: ["one", "two", "three"])
    new = tasks.item_regenerate(item=second, teacher=teacher)
    assert (new.pk, new.order, new.text, new.correct, new.page, new.flags) == (second.pk, second.order, "Better?", 1, 3, ["duplicate"])
    assert calls[0][0] == ["one", "two", "three"] and calls[0][2]["question"] == second.text

    monkeypatch.setattr(tasks, "regenerate_item", lambda *a, **k: (_ for _ in ()).throw(GenerationError("Model down.", "timeout")))
    with pytest.raises(tasks.RunRefused, match="Model down."):
        tasks.item_regenerate(item=new, teacher=teacher)

    by_hand = services.assignment_create(course=course, created_by=teacher, kind="quiz", title="Mine")
    item = services.question_add(assignment=by_hand, text="Q?", options=["a", "b"], correct=0)
    with pytest.raises(tasks.RunRefused, match="by hand"):
        tasks.item_regenerate(item=item, teacher=teacher)


def test_an_item_with_repeated_options_is_kept_flagged_and_blocks_publishing(course, teacher, fake_generator):
    """The generator flags it; review shows it; the teacher must fix it before students see it."""
    items = quiz_items(2)
    items[1] = {**items[1], "options": ["Paris", "paris", "Rome"], "flags": ["repeated_options"]}
    fake_generator.items = items
    run = queue(course, teacher, count=2)
    assert tasks.generation_run_execute(run_id=run.pk) == "done"
    run.refresh_from_db()
    quiz = run.assignment
    repeated = services.items_of(quiz)[1]
    assert repeated.options == ["Paris", "paris", "Rome"] and "repeated_options" in repeated.flags
    with pytest.raises(ValidationError, match="two options that are the same"):
        services.assignment_publish(assignment=quiz)
    services.question_update(question=repeated, text=repeated.text, options=["Paris", "Lyon", "Rome"], correct=0)
    services.assignment_publish(assignment=quiz)
    quiz.refresh_from_db()
    assert quiz.status == "published"
