"""Services on the real database: items, publishing, deadlines, submissions, keys."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assignments import keys, services
from assignments.models import Assignment, ModelApiKey, Question, Submission
from accounts.tests.factories import StudentFactory
from courses import services as course_services
from courses.tests.factories import CourseFactory
from elearning.testing.parallel import run_parallel
from notifications.models import Notification

from .factories import AssignmentFactory, CardFactory, QuestionFactory, deck_with, quiz_with


@pytest.fixture
def course(teacher):
    return CourseFactory(teacher=teacher)


@pytest.fixture
def enrolled(course, student):
    course_services.enrollment_enroll(student=student, course=course)
    Notification.objects.all().delete()
    return student


class TestItems:
    def test_clean_question_rules(self):
        assert services.clean_question(text="  Two\nlines ", options=["a", " b ", ""], correct=1) == ("Two lines", ["a", "b"], 1)
        for options, correct, code in [
            (["only"], 0, "options_count"),
            ([str(i) for i in range(7)], 0, "options_count"),
            (["Same", "same"], 0, "repeated_options"),
            (["a", "b"], 2, "correct"),
            (["a", "b"], -1, "correct"),
            (["a", "b"], "x", "correct"),
        ]:
            with pytest.raises(ValidationError) as error:
                services.clean_question(text="Q?", options=options, correct=correct)
            assert error.value.code == code
        with pytest.raises(ValidationError):
            services.clean_question(text=" ", options=["a", "b"], correct=0)

    def test_add_edit_clears_flags_and_move_reorders(self, course):
        quiz = AssignmentFactory(course=course)
        first = services.question_add(assignment=quiz, text="One?", options=["a", "b"], correct=1)
        second = services.question_add(assignment=quiz, text="Two?", options=["a", "b"], correct=0)
        third = services.question_add(assignment=quiz, text="Three?", options=["a", "b"], correct=0)
        Question.objects.filter(pk=second.pk).update(flags=["source_not_found"])
        second.refresh_from_db()
        services.question_update(question=second, text="Two, fixed?", options=["x", "y", "z"], correct=2)
        second.refresh_from_db()
        assert (second.text, second.options, second.correct, second.flags) == ("Two, fixed?", ["x", "y", "z"], 2, [])

        assert services.item_move(item=third, offset=-1)
        assert [q.text for q in services.items_of(quiz)] == ["One?", "Three?", "Two, fixed?"]
        assert not services.item_move(item=first, offset=-1)  # already first
        services.item_delete(item=first)
        assert [q.order for q in services.items_of(quiz)] == [1, 2]

    def test_cards(self, course):
        deck = AssignmentFactory(course=course, kind="flashcards")
        card = services.card_add(assignment=deck, front="Cell", back="The unit of life")
        services.card_update(card=card, front="Cell ", back="Smallest unit of life")
        card.refresh_from_db()
        assert (card.front, card.back) == ("Cell", "Smallest unit of life")
        with pytest.raises(ValidationError):
            services.card_add(assignment=deck, front="", back="x")

    def test_questions_frozen_once_submitted(self, course, enrolled):
        quiz = quiz_with(course=course, published=True)
        services.submission_create(assignment=quiz, student=enrolled, answers=[0, 0, 0])
        question = quiz.questions.first()
        with pytest.raises(ValidationError):
            services.question_update(question=question, text="Changed", options=["a", "b"], correct=1)
        with pytest.raises(ValidationError):
            services.item_delete(item=question)
        with pytest.raises(ValidationError):
            services.assignment_unpublish(assignment=quiz)


class TestPublishAndDeadline:
    def test_empty_or_past_deadline_cannot_publish(self, course):
        quiz = AssignmentFactory(course=course)
        with pytest.raises(ValidationError):
            services.assignment_publish(assignment=quiz)
        QuestionFactory(assignment=quiz)
        Assignment.objects.filter(pk=quiz.pk).update(deadline=timezone.now() - timedelta(hours=1))
        quiz.refresh_from_db()
        with pytest.raises(ValidationError):
            services.assignment_publish(assignment=quiz)

    def test_publish_with_deadline_tells_students_once(self, course, enrolled, django_capture_on_commit_callbacks):
        quiz = quiz_with(course=course, deadline=timezone.now() + timedelta(days=2))
        with django_capture_on_commit_callbacks():
            services.assignment_publish(assignment=quiz)
            services.assignment_publish(assignment=quiz)  # a second click changes nothing
        assert quiz.is_published and quiz.published_at
        assert list(Notification.objects.values_list("recipient", "type")) == [(enrolled.pk, "deadline")]

    def test_deadline_change_notifies_enrolled_students_in_one_batch(self, course, enrolled):
        for _ in range(3):
            course_services.enrollment_enroll(student=StudentFactory(), course=course)
        blocked = StudentFactory()
        course_services.roster_block_student(course=course, student=blocked, blocked_by=course.teacher)
        Notification.objects.all().delete()
        quiz = quiz_with(course=course, published=True)
        new = timezone.now() + timedelta(days=3)
        assert services.assignment_update(assignment=quiz, title="Quiz", deadline=new)
        rows = Notification.objects.filter(type="deadline")
        assert rows.count() == 4 and not rows.filter(recipient=blocked).exists()
        assert not services.assignment_update(assignment=quiz, title="Renamed", deadline=new)
        assert Notification.objects.filter(type="deadline").count() == 4  # unchanged: no news

    def test_draft_deadline_change_is_silent(self, course, enrolled):
        quiz = quiz_with(course=course)
        services.assignment_update(assignment=quiz, title="Quiz", deadline=timezone.now() + timedelta(days=1))
        assert not Notification.objects.exists()


class TestSubmissions:
    def test_scored_on_the_server_and_teacher_told(self, course, enrolled):
        quiz = quiz_with(course=course, published=True)
        submission = services.submission_create(assignment=quiz, student=enrolled, answers=["0", 1, 0])
        assert (submission.score, submission.total, submission.answers) == (2, 3, [0, 1, 0])
        note = Notification.objects.get()
        assert (note.recipient, note.type) == (course.teacher, "submission")
        assert f"/assignments/{quiz.pk}/submissions/" in note.link

    @pytest.mark.parametrize("answers", [[0, 0], [0, 0, 0, 0], [0, 0, 3], [0, 0, -1], [0, 0, None], [0, 0, "a"]])
    def test_answer_count_and_range_checked(self, course, enrolled, answers):
        quiz = quiz_with(course=course, published=True)
        with pytest.raises(services.SubmissionRefused):
            services.submission_create(assignment=quiz, student=enrolled, answers=answers)
        assert not Submission.objects.exists()

    def test_once_only(self, course, enrolled):
        quiz = quiz_with(course=course, published=True)
        services.submission_create(assignment=quiz, student=enrolled, answers=[0, 0, 0])
        with pytest.raises(services.SubmissionRefused, match="already submitted"):
            services.submission_create(assignment=quiz, student=enrolled, answers=[1, 1, 1])
        assert Submission.objects.get().score == 3

    def test_refused_after_deadline_for_drafts_blocked_unenrolled_and_teachers(self, course, enrolled, teacher):
        late = quiz_with(course=course, published=True, deadline=timezone.now() - timedelta(minutes=1))
        with pytest.raises(services.SubmissionRefused, match="deadline"):
            services.submission_create(assignment=late, student=enrolled, answers=[0, 0, 0])
        draft = quiz_with(course=course)
        with pytest.raises(services.SubmissionRefused):
            services.submission_create(assignment=draft, student=enrolled, answers=[0, 0, 0])
        deck = deck_with(course=course, published=True)
        with pytest.raises(services.SubmissionRefused):
            services.submission_create(assignment=deck, student=enrolled, answers=[0, 0, 0])
        quiz = quiz_with(course=course, published=True)
        with pytest.raises(services.SubmissionRefused, match="Only students"):
            services.submission_create(assignment=quiz, student=teacher, answers=[0, 0, 0])
        course_services.enrollment_unenroll(student=enrolled, course=course)
        with pytest.raises(services.SubmissionRefused, match="enrolled"):
            services.submission_create(assignment=quiz, student=enrolled, answers=[0, 0, 0])
        course_services.roster_block_student(course=course, student=enrolled, blocked_by=teacher)
        with pytest.raises(services.SubmissionRefused, match="blocked"):
            services.submission_create(assignment=quiz, student=enrolled, answers=[0, 0, 0])
        assert not Submission.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_submits_make_one_submission(teacher, student):
    course = CourseFactory(teacher=teacher)
    course_services.enrollment_enroll(student=student, course=course)
    quiz = quiz_with(course=course, published=True)

    def submit():
        return services.submission_create(assignment=Assignment.objects.select_related("course__teacher").get(pk=quiz.pk),
                                          student=student, answers=[0, 1, 0])

    results, errors = run_parallel(submit, 20)
    assert len(results) == 1
    assert len(errors) == 19 and all(isinstance(e, services.SubmissionRefused) for e in errors), errors
    assert Submission.objects.count() == 1
    assert Notification.objects.filter(type="submission").count() == 1


class TestModelKey:
    def test_encrypted_at_rest_masked_and_removable(self, teacher, settings):
        services.model_key_save(teacher=teacher, key="sk-test-abcdef123456")
        record = ModelApiKey.objects.get()
        assert b"sk-test" not in bytes(record.encrypted)
        assert record.last4 == "3456" and record.masked.endswith("3456") and "abcdef" not in record.masked
        assert services.model_key_of(teacher=teacher) == "sk-test-abcdef123456"
        services.model_key_save(teacher=teacher, key="sk-second-key-9999")
        assert ModelApiKey.objects.count() == 1 and services.model_key_of(teacher=teacher) == "sk-second-key-9999"
        assert services.model_key_delete(teacher=teacher)
        assert services.model_key_of(teacher=teacher) is None

    def test_another_secret_cannot_read_it(self, teacher, settings):
        services.model_key_save(teacher=teacher, key="sk-test-abcdef123456")
        settings.ASSIGNMENTS_KEY_SECRET = "a different secret"
        assert services.model_key_of(teacher=teacher) is None
        assert keys.key_decrypt(b"garbage") is None


def test_cards_factory_smoke(course):
    card = CardFactory(assignment=deck_with(course=course, cards=0))
    assert str(card).startswith("Front")
