import factory
from django.utils import timezone

from assignments.models import Assignment, Card, Kind, Question
from courses.tests.factories import CourseFactory


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    course = factory.SubFactory(CourseFactory)
    kind = Kind.QUIZ
    title = factory.Sequence(lambda n: f"Quiz {n}")
    created_by = factory.LazyAttribute(lambda a: a.course.teacher)

    class Params:
        published = factory.Trait(status=Assignment.Status.PUBLISHED, published_at=factory.LazyFunction(timezone.now))


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    assignment = factory.SubFactory(AssignmentFactory)
    order = factory.Sequence(int)
    text = factory.Sequence(lambda n: f"Question {n}?")
    options = ["right", "wrong", "also wrong"]
    correct = 0
    page = 1
    quote = "a quote"


class CardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Card

    assignment = factory.SubFactory(AssignmentFactory, kind=Kind.FLASHCARDS)
    order = factory.Sequence(int)
    front = factory.Sequence(lambda n: f"Front {n}")
    back = factory.Sequence(lambda n: f"Back {n}")


def quiz_with(*, course, questions: int = 3, **kwargs) -> Assignment:
    """A quiz of ``course`` whose every question's correct answer is option 0."""
    quiz = AssignmentFactory(course=course, **kwargs)
    for _ in range(questions):
        QuestionFactory(assignment=quiz)
    return quiz


def deck_with(*, course, cards: int = 3, **kwargs) -> Assignment:
    deck = AssignmentFactory(course=course, kind=Kind.FLASHCARDS, **kwargs)
    for _ in range(cards):
        CardFactory(assignment=deck)
    return deck
