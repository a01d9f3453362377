"""The model path end to end in Chromium: a site whose OPENAI_BASE_URL points at a local
OpenAI-compatible server (the real SDK talks to it over HTTP). The teacher generates a quiz; the
grounding check flags the item whose quote is not on its page and the one whose answer key the
quote contradicts; the teacher fixes them and publishes."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts.tests.test_browser import look
from assignments.models import Assignment
from conftest import client_for
from courses.tests.factories import CourseFactory
from elearning.testing.live import LiveServer

from .modelserver import ModelServer, json_completion
from .textpdf import CELLS, text_pdf

pytestmark = pytest.mark.browser


def question(text, options, correct, page, quote):
    return {"question": text, "options": options, "correct": correct, "page": page, "quote": quote}


ANSWER = {
    "questions": [
        question("Who first described cells?", ["Robert Hooke", "Louis Pasteur", "Charles Darwin"], 0, 1,
                 "Robert Hooke first described cells in 1665"),
        # The quote is real, but on page 3, not page 2: "source not found on the cited page".
        question("What do mitochondria release from glucose?", ["Energy", "Oxygen", "Cellulose"], 0, 2,
                 "Mitochondria release energy from glucose"),
        # The key marks "Cellulose" while the quote says the membrane: "check the answer".
        question("What controls which substances enter the cell?", ["Cellulose", "The cell membrane", "Chromosomes"],
                 0, 3, "The cell membrane controls which substances enter and leave the cell"),
    ]
}


@pytest.fixture
def model_site(smtp_server, daphne_server, transactional_db):
    """A second live site, configured with the model server; the session's site's worker is
    paused meanwhile, or it could take the generation task (both poll the one task queue)."""
    with daphne_server.worker_paused(), ModelServer() as model:
        model.script(json_completion(ANSWER, prompt_tokens=900, completion_tokens=300))
        env = {
            "OPENAI_BASE_URL": model.url, "OPENAI_API_KEY": "sk-site", "OPENAI_MODEL": "test-model",
            "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_server.port),
        }
        with LiveServer(extra_env=env, worker=True) as site:
            yield site, model


def test_a_quiz_from_the_model_server_with_its_grounding_flags(browser, model_site, teacher):
    site, model = model_site
    course = CourseFactory(teacher=teacher, title="Cell biology", code="BIO-9B")
    context = browser.new_context(base_url=site.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    cookie = client_for(teacher).cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": site.url}])
    page = context.new_page()
    try:
        page.goto(f"/courses/{course.pk}/assignments/new/")
        generate = page.get_by_role("region", name="Generate from a PDF")
        generate.get_by_label("PDF file").set_input_files(
            {"name": "cells.pdf", "mimeType": "application/pdf", "buffer": text_pdf(CELLS)}
        )
        generate.get_by_label("Quiz").check()
        generate.get_by_label("How many items").fill("3")
        generate.get_by_label("Title").fill("Cells, by the model")
        generate.get_by_role("button", name="Generate").click()
        page.get_by_role("link", name="Review the draft").click(timeout=60_000)

        # The real SDK reached the model server with the PDF's pages.
        assert len(model.requests) == 1
        assert "Robert Hooke first described cells" in model.requests[0]["messages"][-1]["content"]
        quiz = Assignment.objects.get()
        assert (quiz.generator, quiz.model_name) == ("model", "test-model")
        by_text = {q.text: q for q in quiz.questions.all()}
        mito = by_text["What do mitochondria release from glucose?"]
        membrane = by_text["What controls which substances enter the cell?"]
        assert mito.flags == ["source_not_found"] and membrane.flags == ["answer_suspect"]
        assert by_text["Who first described cells?"].flags == []
        expect(page.locator(f'#item-{mito.pk} [data-flag="source_not_found"]')).to_be_visible()
        expect(page.locator(f'#item-{membrane.pk} [data-flag="answer_suspect"]')).to_contain_text("check the answer")
        look(page, "assignment-model-flags-1280")

        # The teacher fixes the key; saving clears the flag.
        item = page.locator(f"#item-{membrane.pk}")
        correct = membrane.options.index("The cell membrane") + 1
        item.get_by_label(f"Option {correct} is correct").check()
        item.get_by_role("button", name="Save").click()
        expect(page.get_by_text("Item saved.")).to_be_visible()
        membrane.refresh_from_db()
        assert membrane.options[membrane.correct] == "The cell membrane" and membrane.flags == []
        page.get_by_role("button", name="Publish").click()
        expect(page.locator("[data-status]")).to_have_text("Published")
    finally:
        context.close()
