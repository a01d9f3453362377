"""Pages through the Django test client: generate, review and edit, publish, take, results,
submissions, exports, the model key, dashboards."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.tests.factories import StudentFactory
from assignments import services, tasks
from assignments.generation import GenerationError
from assignments.models import Assignment, GenerationRun, ModelApiKey, Question, Submission
from courses import services as course_services
from courses.tests.factories import CourseFactory, MaterialFactory
from elearning.testing.queries import assert_queries_flat

from .factories import QuestionFactory, deck_with, quiz_with

PDF = b"%PDF-1.4\n% stand-in\n%%EOF\n"


@pytest.fixture
def course(teacher):
    return CourseFactory(teacher=teacher, title="Cell biology")


@pytest.fixture
def enrolled(course, student):
    course_services.enrollment_enroll(student=student, course=course)
    return student


def url(course, suffix=""):
    return f"/courses/{course.pk}/assignments/{suffix}"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


class TestGenerate:
    def test_upload_queues_a_run_whose_page_follows_it_to_the_draft(self, login, course, teacher, fake_generator,
                                                                     django_capture_on_commit_callbacks):
        client = login(teacher)
        assert "Generate from a PDF" in text_of(client.get(url(course, "new/")))
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url(course, "new/"), {
                "pdf": SimpleUploadedFile("chapter.pdf", PDF, "application/pdf"), "kind": "quiz", "count": "3",
                "title": "Chapter <1>",
            })
        run = GenerationRun.objects.get()
        assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
        page = text_of(client.get(run.get_absolute_url()))
        assert 'assignments/js/run.js' in page and "Queued" in page and "chapter.pdf" in page

        assert client.get(run.get_absolute_url() + "?format=json").json() == {"stage": "queued", "finished": False}
        tasks.generation_run_execute(run_id=run.pk)
        assert client.get(run.get_absolute_url() + "?format=json").json() == {"stage": "done", "finished": True}
        page = text_of(client.get(run.get_absolute_url()))
        assert 'assignments/js/run.js' not in page and "Review the draft" in page
        editor = text_of(client.get(Assignment.objects.get().get_absolute_url()))
        assert "Chapter &lt;1&gt;" in editor
        assert "source not found on the cited page" in editor and "Source: page 2" in editor
        assert "“1 + 1 = 2”" in editor and "basic generator" in editor

    def test_failed_run_shows_its_message(self, login, course, teacher, fake_generator):
        fake_generator.error = GenerationError("This PDF is protected by a password.", "encrypted")
        run = tasks.generation_run_create(course=course, teacher=teacher, kind="quiz", count=2,
                                          pdf=SimpleUploadedFile("x.pdf", PDF))
        tasks.generation_run_execute(run_id=run.pk)
        page = text_of(login(teacher).get(run.get_absolute_url()))
        assert "Generation failed." in page and "This PDF is protected by a password." in page
        assert "Nothing was saved." in page and 'assignments/js/run.js' not in page

    @pytest.mark.parametrize("data, error", [
        ({"kind": "quiz", "count": "3"}, "Upload a PDF or pick one"),
        ({"kind": "quiz", "count": "3", "pdf": ("x.pdf", b"MZ\x90 not a pdf")}, "not a PDF"),
        ({"kind": "quiz", "count": "0", "pdf": ("x.pdf", PDF)}, "greater than or equal to 1"),
        ({"kind": "quiz", "count": "31", "pdf": ("x.pdf", PDF)}, "less than or equal to 30"),
        ({"kind": "essay", "count": "3", "pdf": ("x.pdf", PDF)}, "Select a valid choice"),
        ({"kind": "quiz", "count": "3", "pdf": ("x.pdf", PDF), "deadline": "2001-01-01T10:00"}, "in the future"),
        ({"kind": "quiz", "count": "3", "pdf": ("x.pdf", PDF), "deadline": "soon"}, "Enter a valid date/time"),
    ])
    def test_bad_requests_are_refused_in_place(self, login, course, teacher, data, error):
        data = dict(data)
        if "pdf" in data:
            name, content = data["pdf"]
            data["pdf"] = SimpleUploadedFile(name, content)
        response = login(teacher).post(url(course, "new/"), data)
        assert response.status_code == 400 and error in response.content.decode()
        assert not GenerationRun.objects.exists()

    def test_too_large_upload_refused_before_queueing(self, login, course, teacher, settings):
        settings.ASSIGNMENT_PDF_MAX_MB = 1
        big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))
        response = login(teacher).post(url(course, "new/"), {"kind": "quiz", "count": "3", "pdf": big})
        assert response.status_code == 400 and "larger than the limit of 1.0" in response.content.decode()
        assert not GenerationRun.objects.exists()

    def test_material_and_upload_together_refused_material_alone_taken(self, login, course, teacher):
        material = MaterialFactory(course=course)
        foreign = MaterialFactory()
        client = login(teacher)
        response = client.post(url(course, "new/"), {"kind": "quiz", "count": "3", "material": material.pk,
                                                      "pdf": SimpleUploadedFile("x.pdf", PDF)})
        assert response.status_code == 400 and "not both" in response.content.decode()
        response = client.post(url(course, "new/"), {"kind": "quiz", "count": "3", "material": foreign.pk})
        assert response.status_code == 400  # another course's material is not a choice
        response = client.post(url(course, "new/"), {"kind": "flashcards", "count": "3", "material": material.pk})
        assert response.status_code == 302
        assert GenerationRun.objects.get().material == material

    def test_spent_budget_is_told_on_the_form(self, login, course, teacher, settings):
        settings.ASSIGNMENTS_DAILY_TOKEN_BUDGET = 10
        GenerationRun.objects.create(course=course, created_by=teacher, kind="quiz", count=1, source_name="a.pdf",
                                     stage="done", prompt_tokens=11)
        response = login(teacher).post(url(course, "new/"), {"kind": "quiz", "count": "3",
                                                             "pdf": SimpleUploadedFile("x.pdf", PDF)})
        assert response.status_code == 400 and "today&#x27;s generation budget" in response.content.decode()


class TestEditor:
    def test_by_hand_add_edit_with_errors_reorder_publish(self, login, course, teacher, enrolled):
        client = login(teacher)
        response = client.post(url(course, "new/manual/"), {"manual-kind": "quiz", "manual-title": "Week 1"})
        quiz = Assignment.objects.get()
        assert response["Location"] == quiz.get_absolute_url() and quiz.generator == "manual"
        base = quiz.get_absolute_url()

        response = client.post(base + "items/add/", {"new-text": "Which is a cell part?", "new-option_0": "Nucleus",
                                                      "new-option_1": "Engine"})
        assert response.status_code == 400 and "This field is required." in response.content.decode()
        response = client.post(base + "items/add/", {"new-text": "Dup?", "new-option_0": "A", "new-option_1": "a",
                                                      "new-correct": "0"})
        assert response.status_code == 400 and "Two options are the same" in response.content.decode()
        response = client.post(base + "items/add/", {"new-text": "Empty right?", "new-option_0": "A",
                                                      "new-option_2": "B", "new-correct": "1"})
        assert response.status_code == 400 and "marked correct is empty" in response.content.decode()
        # Blank boxes between options are dropped and the correct mark follows its option.
        client.post(base + "items/add/", {"new-text": "Which is a cell part?", "new-option_0": "Engine",
                                          "new-option_3": "Nucleus", "new-correct": "3"})
        client.post(base + "items/add/", {"new-text": "Second?", "new-option_0": "x", "new-option_1": "y",
                                          "new-correct": "0"})
        first, second = services.items_of(quiz)
        assert (first.options, first.correct) == (["Engine", "Nucleus"], 1)

        prefix = f"q{second.pk}"
        response = client.post(base + f"items/{second.pk}/", {f"{prefix}-text": "", f"{prefix}-option_0": "x",
                                                               f"{prefix}-option_1": "y", f"{prefix}-correct": "0"})
        assert response.status_code == 400 and "This field is required." in response.content.decode()
        client.post(base + f"items/{second.pk}/", {f"{prefix}-text": "Second, better?", f"{prefix}-option_0": "x",
                                                    f"{prefix}-option_1": "y", f"{prefix}-correct": "1"})
        client.post(base + f"items/{second.pk}/move/", {"direction": "up"})
        assert [q.text for q in services.items_of(quiz)] == ["Second, better?", "Which is a cell part?"]

        assert enrolled and client.post(base + "publish/").status_code == 302
        quiz.refresh_from_db()
        assert quiz.is_published

    def test_an_item_of_another_assignment_is_not_reachable(self, login, course, teacher):
        mine = quiz_with(course=course)
        other = quiz_with(course=course)
        target = other.questions.first()
        response = login(teacher).post(mine.get_absolute_url() + f"items/{target.pk}/delete/")
        assert response.status_code == 404 and Question.objects.filter(pk=target.pk).exists()

    def test_deadline_setting_validated(self, login, course, teacher):
        quiz = quiz_with(course=course)
        client = login(teacher)
        response = client.post(quiz.get_absolute_url() + "settings/", {"title": "T", "deadline": "2001-01-01T00:00"})
        assert response.status_code == 400 and "in the future" in response.content.decode()
        response = client.post(quiz.get_absolute_url() + "settings/", {"title": "", "deadline": ""})
        assert response.status_code == 400
        future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
        assert client.post(quiz.get_absolute_url() + "settings/", {"title": "T2", "deadline": future}).status_code == 302
        quiz.refresh_from_db()
        assert quiz.title == "T2" and quiz.deadline > timezone.now()

    def test_editor_query_count_is_flat(self, login, course, teacher):
        quiz = quiz_with(course=course, questions=0)
        client = login(teacher)
        assert_queries_flat(lambda: client.get(quiz.get_absolute_url()),
                            lambda n: [QuestionFactory(assignment=quiz) for _ in range(n)], large=20)


class TestStudent:
    def test_list_hides_drafts(self, login, course, enrolled):
        quiz_with(course=course, title="Secret draft")
        quiz_with(course=course, title="Open quiz", published=True)
        page = text_of(login(enrolled).get(url(course)))
        assert "Open quiz" in page and "Secret draft" not in page

    def test_take_quiz_keeps_choices_on_error_then_scores(self, login, course, enrolled, teacher):
        quiz = quiz_with(course=course, published=True, title="Cells quiz")
        first, second, third = services.items_of(quiz)
        client = login(enrolled)
        page = text_of(client.get(quiz.get_absolute_url()))
        assert "Submit answers" in page and first.text in page
        response = client.post(quiz.get_absolute_url() + "submit/", {f"q{first.pk}": "1", f"q{second.pk}": "0"})
        assert response.status_code == 400
        body = response.content.decode()
        assert "Answer every question" in body and f'id="q{first.pk}-1" value="1" checked' in body
        response = client.post(quiz.get_absolute_url() + "submit/", {f"q{first.pk}": "1", f"q{second.pk}": "0",
                                                                      f"q{third.pk}": "0"})
        assert response["Location"].endswith(f"/assignments/{quiz.pk}/result/")
        result = text_of(client.get(response["Location"]))
        assert 'data-score>2 / 3<' in result and "67 %" in result and "Source: page 1" in result
        # Back to the quiz: straight to the result; a second try is refused.
        assert client.get(quiz.get_absolute_url())["Location"].endswith("/result/")
        response = client.post(quiz.get_absolute_url() + "submit/", {f"q{first.pk}": "0", f"q{second.pk}": "0",
                                                                      f"q{third.pk}": "0"}, follow=True)
        assert "already submitted" in text_of(response)
        assert Submission.objects.get().score == 2

    def test_after_the_deadline(self, login, course, enrolled):
        quiz = quiz_with(course=course, published=True)
        Assignment.objects.filter(pk=quiz.pk).update(deadline=timezone.now() - timedelta(minutes=5))
        client = login(enrolled)
        assert "submissions are closed" in text_of(client.get(quiz.get_absolute_url()))
        questions = services.items_of(quiz)
        response = client.post(quiz.get_absolute_url() + "submit/", {f"q{q.pk}": "0" for q in questions})
        assert response.status_code == 400 and "deadline for this quiz has passed" in response.content.decode()
        assert not Submission.objects.exists()

    def test_deck_page(self, login, course, enrolled):
        deck = deck_with(course=course, published=True, cards=2)
        page = text_of(login(enrolled).get(deck.get_absolute_url()))
        assert page.count("data-flip") == 2 and "assignments/js/deck.js" in page

    def test_course_page_and_dashboard_link_assignments(self, login, course, enrolled):
        assert url(course) in login(enrolled).get(course.get_absolute_url()).content.decode()
        quiz_with(course=course, published=True, title="Due soon", deadline=timezone.now() + timedelta(days=1))
        quiz_with(course=course, title="Draft due", deadline=timezone.now() + timedelta(days=1))
        home = text_of(login(enrolled).get("/"))
        assert "Upcoming deadlines" in home and "Due soon" in home and "Draft due" not in home


class TestTeacherResults:
    def test_submissions_table_average_chart_and_csv(self, login, course, teacher):
        quiz = quiz_with(course=course, published=True, questions=2)
        for name, answers in [("=cmd|' /C calc'!A0", [0, 0]), ("Bea", [0, 1]), ("Cy", [1, 1])]:
            student = StudentFactory(full_name=name)
            course_services.enrollment_enroll(student=student, course=course)
            services.submission_create(assignment=quiz, student=student, answers=answers)
        client = login(teacher)
        page = text_of(client.get(quiz.get_absolute_url() + "submissions/"))
        assert "3 submissions" in page and "data-average>50 %" in page
        assert re.findall(r'data-count="(\d+)"', page) == ["1", "1", "1"]  # 0 %, 50 %, 100 %
        rows = list(csv.reader(io.StringIO(client.get(quiz.get_absolute_url() + "submissions.csv").content.decode())))
        assert rows[0] == ["student", "username", "score", "out_of", "percent", "submitted_at", "late"]
        assert "'=cmd|' /C calc'!A0" in [row[0] for row in rows]
        home = text_of(client.get("/"))
        assert "Recent submissions" in home and "Bea" in home

    def test_submissions_query_count_is_flat(self, login, course, teacher):
        quiz = quiz_with(course=course, published=True, questions=1)

        def grow(n):
            for _ in range(n):
                student = StudentFactory()
                course_services.enrollment_enroll(student=student, course=course)
                services.submission_create(assignment=quiz, student=student, answers=[0])

        client = login(teacher)
        assert_queries_flat(lambda: client.get(quiz.get_absolute_url() + "submissions/"), grow, large=15)

    def test_exports_download(self, login, course, teacher):
        quiz = quiz_with(course=course, title="Cells: part 1")
        deck = deck_with(course=course)
        client = login(teacher)
        response = client.get(quiz.get_absolute_url() + "export/moodle/")
        assert response["Content-Type"] == "application/xml" and 'filename="cells-part-1.xml"' in response["Content-Disposition"]
        assert client.get(quiz.get_absolute_url() + "export/gift/").content.startswith(b"$CATEGORY:")
        assert client.get(deck.get_absolute_url() + "export/tsv/").content.count(b"\t") == 3
        assert client.get(quiz.get_absolute_url() + "export/pdf/").status_code == 404


class TestModelKey:
    def test_save_never_shown_back_then_remove(self, login, teacher, settings):
        client = login(teacher)
        response = client.post("/assignments/model-key/", {"key": "sk-live-secret-value-7788"}, follow=True)
        page = response.content.decode()
        assert "7788" in page and "secret-value" not in page and "sk-live" not in page
        assert ModelApiKey.objects.get().last4 == "7788"
        assert "Your model key" in client.get("/accounts/profile/").content.decode()
        response = client.post("/assignments/model-key/", {"key": "has space in it"})
        assert response.status_code == 400 and "no spaces" in response.content.decode()
        settings.ASSIGNMENTS_KEY_SECRET = "rotated"
        assert "can no longer be read" in text_of(client.get("/assignments/model-key/"))
        client.post("/assignments/model-key/delete/")
        assert not ModelApiKey.objects.exists()
