import pytest
from django.core.management import call_command

from accounts.models import User
from assignments import services
from assignments.models import Assignment, Card, Question
from assignments.selectors import upcoming_deadlines

pytestmark = pytest.mark.django_db


def test_demo_has_a_published_quiz_and_deck_once_that_alice_can_use():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    call_command("load_demo", stdout=open("/dev/null", "w"))
    quiz = Assignment.objects.get(kind="quiz")
    deck = Assignment.objects.get(kind="flashcards")
    assert quiz.is_published and deck.is_published
    assert (Question.objects.count(), Card.objects.count()) == (4, 5)
    alice = User.objects.get(username="alice")
    assert list(upcoming_deadlines(student=alice)) == [quiz]
    assert services.submission_create(assignment=quiz, student=alice, answers=[0, 1, 1, 0]).score == 4
