"""Assignments end to end in Chromium: a teacher turns a PDF into a quiz (the live server's task
worker runs the generator), fixes the flagged question, publishes; a student takes it and sees the
score; the teacher sees the submission and the chart; flashcards flip by keyboard.
Screenshots at 1280 and 375 px wide."""

import re

import pytest
from playwright.sync_api import expect

from accounts.tests.test_browser import look
from assignments.models import Assignment, Question
from courses import services as course_services
from courses.tests.factories import CourseFactory
from elearning.testing.browser import MOBILE, screenshot

from .factories import deck_with
from .textpdf import CELLS, text_pdf

pytestmark = pytest.mark.browser
WIDE = {"width": 1280, "height": 900}


def test_quiz_from_pdf_reviewed_published_taken_and_scored(page_as, teacher, student):
    course = CourseFactory(teacher=teacher, title="Cell biology", code="BIO-9A")
    course_services.enrollment_enroll(student=student, course=course)

    page = page_as(teacher, viewport=WIDE)
    page.goto(course.get_absolute_url())
    page.get_by_role("link", name="Assignments").click()
    look(page, "assignment-list-empty")
    page.get_by_role("link", name="New assignment").click()
    look(page, "assignment-new")
    generate = page.get_by_role("region", name="Generate from a PDF")
    generate.get_by_label("PDF file").set_input_files(
        {"name": "Cells chapter 1.pdf", "mimeType": "application/pdf", "buffer": text_pdf(CELLS)}
    )
    generate.get_by_label("Quiz").check()
    generate.get_by_label("How many items").fill("3")
    generate.get_by_label("Title").fill("Cells: chapter 1")
    generate.get_by_role("button", name="Generate").click()
    page.wait_for_url("**/assignments/runs/*/")
    look(page, "assignment-run")

    # The live server's task worker runs the generator (the built-in one: no model configured);
    # the progress page follows it by itself.
    page.get_by_role("link", name="Review the draft").click(timeout=60_000)
    quiz = Assignment.objects.get()
    assert quiz.generator in ("basic", "model") and quiz.source_name == "Cells chapter 1.pdf"
    questions = list(quiz.questions.order_by("order"))
    assert len(questions) >= 2
    first = questions[0]
    # Whatever the generator found, one item is flagged for the teacher to fix.
    Question.objects.filter(pk=first.pk).update(flags=["source_not_found"])
    page.reload()
    item = page.locator(f"#item-{first.pk}")
    expect(item.locator('[data-flag="source_not_found"]')).to_be_visible()
    expect(item.get_by_text(re.compile(r"Source: page \d"))).to_be_visible()
    look(page, "assignment-editor-1280")

    # Fix the flagged question: a clearer text, and "two" as a fourth, correct option.
    item.get_by_label("Question").fill("How much is 1 + 1?")
    item.get_by_label("Option 4", exact=True).fill("two")
    item.get_by_label("Option 4 is correct").check()
    item.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Item saved.")).to_be_visible()
    first.refresh_from_db()
    assert (first.text, first.options[first.correct], first.flags) == ("How much is 1 + 1?", "two", [])
    expect(page.locator(f"#item-{first.pk} [data-flag]")).to_have_count(0)
    # Regenerate the second item alone: it stays in its place, with a cited page.
    second = questions[1]
    page.locator(f"#item-{second.pk}").get_by_role("button", name="Regenerate").click()
    expect(page.get_by_text("Item regenerated; check it against the cited page.")).to_be_visible()
    second.refresh_from_db()
    assert second.order == questions[1].order and second.page
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("[data-status]")).to_have_text("Published")

    phone = page_as(teacher, viewport=MOBILE)
    phone.goto(quiz.get_absolute_url())
    look(phone, "assignment-editor-375")

    # The student takes it: forgets one answer, is told, answers, sees the score.
    student_page = page_as(student, viewport=WIDE)
    student_page.goto(course.get_absolute_url())
    student_page.get_by_role("link", name="Assignments").click()
    look(student_page, "assignment-list-student")
    student_page.get_by_role("link", name="Cells: chapter 1").click()
    look(student_page, "quiz-take-1280")
    questions = list(quiz.questions.order_by("order"))
    wrong = (questions[1].correct + 1) % len(questions[1].options)
    student_page.locator(f"#q{questions[0].pk}-{questions[0].correct}").check()  # right
    student_page.locator(f"#q{questions[1].pk}-{wrong}").check()  # wrong
    student_page.on("dialog", lambda dialog: dialog.accept())
    if len(questions) > 2:
        student_page.get_by_role("button", name="Submit answers").click()
        expect(student_page.get_by_text("Answer every question before submitting.")).to_be_visible()
        expect(student_page.locator(f"#q{questions[0].pk}-{questions[0].correct}")).to_be_checked()
        for question in questions[2:]:
            student_page.locator(f"#q{question.pk}-{question.correct}").check()  # right
    student_page.get_by_role("button", name="Submit answers").click()
    student_page.wait_for_url("**/result/")
    total = len(questions)
    expect(student_page.locator("[data-score]")).to_have_text(f"{total - 1} / {total}")
    expect(student_page.get_by_text(re.compile(r"Source: page \d")).first).to_be_visible()
    look(student_page, "quiz-result-1280")
    student_phone = page_as(student, viewport=MOBILE)
    student_phone.goto(student_page.url)
    look(student_phone, "quiz-result-375")

    # The teacher sees the submission, the average and the chart.
    page.goto(quiz.get_absolute_url())
    page.get_by_role("link", name="Submissions").click()
    row = page.get_by_role("row").filter(has_text=student.display_name)
    expect(row).to_contain_text(f"{total - 1} / {total}")
    expect(page.locator("[data-average]")).to_have_text(f"{round(100 * (total - 1) / total)} %")
    expect(page.locator("[data-chart] rect[data-count]")).to_have_count(1)
    look(page, "quiz-submissions-1280")
    phone.goto(page.url)
    look(phone, "quiz-submissions-375")
    page.goto("/")
    expect(page.get_by_role("region", name="Recent submissions")).to_contain_text("Cells: chapter 1")
    look(page, "dashboard-teacher-with-submission")


def test_model_key_page(page_as, teacher):
    page = page_as(teacher, viewport=WIDE)
    page.goto("/accounts/profile/")
    page.get_by_role("link", name="Your model key for quiz generation").click()
    look(page, "model-key-empty")
    page.get_by_label("Your API key").fill("sk-browser-test-key-4242")
    page.get_by_role("button", name="Save key").click()
    expect(page.get_by_role("status").filter(has_text="4242")).to_be_visible()
    assert "sk-browser" not in page.content()
    look(page, "model-key-saved")
    page.get_by_role("button", name="Remove my key").click()
    expect(page.get_by_text("Your key was removed.")).to_be_visible()


def test_flashcards_flip_and_move_by_keyboard(page_as, teacher, student):
    course = CourseFactory(teacher=teacher)
    course_services.enrollment_enroll(student=student, course=course)
    deck = deck_with(course=course, cards=3, published=True, title="Organelles")
    fronts = [card.front for card in deck.cards.order_by("order")]

    page = page_as(student, viewport=WIDE)
    page.goto(deck.get_absolute_url())
    card = page.locator("[data-card]:not([hidden]) [data-flip]")
    expect(card).to_contain_text(fronts[0])
    look(page, "deck-1280")
    page.locator("h1").click()  # focus on the page, not on a button
    page.keyboard.press("Space")
    expect(card).to_have_class("flashcard is-flipped")
    page.wait_for_timeout(600)  # the turn takes half a second
    screenshot(page, "deck-flipped-1280")
    page.keyboard.press("ArrowRight")
    expect(page.locator("[data-position]")).to_have_text("2")
    expect(card).to_contain_text(fronts[1])
    expect(card).not_to_have_class("flashcard is-flipped")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("[data-position]")).to_have_text("1")
    for _ in range(3):
        page.get_by_role("button", name="Got it").click()
    expect(page.locator("[data-known]")).to_have_text("3")
    expect(page.locator("[data-done]")).to_be_visible()

    phone = page_as(student, viewport=MOBILE)
    phone.goto(deck.get_absolute_url())
    phone.locator("[data-card]:not([hidden]) [data-flip]").click()
    expect(phone.locator("[data-card]:not([hidden]) [data-flip]")).to_have_class("flashcard is-flipped")
    phone.wait_for_timeout(600)
    look(phone, "deck-375")
