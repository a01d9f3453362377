"""Who may do what in a classroom, decided in one table (classroom.permissions.RULES)."""

from __future__ import annotations

import pytest

from classroom.permissions import RULES, Seat, can_perform, refusal

NOBODY = {"all": False, "users": []}
TEACHER = Seat(username="tess", is_teacher=True, draw=NOBODY)
STUDENT = Seat(username="sam", is_teacher=False, draw=NOBODY)
DRAWER = Seat(username="sam", is_teacher=False, draw={"all": False, "users": ["sam"]})
EVERYONE_DRAWS = Seat(username="sam", is_teacher=False, draw={"all": True, "users": []})

# action: (teacher, student, student allowed to draw, student while everyone may draw)
EXPECTED = {
    "ping": (True, True, True, True),
    "chat": (True, True, True, True),
    "draw": (True, False, True, True),
    "undo": (True, False, True, True),
    "move": (True, False, False, False),
    "clear": (True, False, False, False),
    "draw_permission": (True, False, False, False),
    "audio": (True, False, False, False),
    "audio_data": (True, False, False, False),
}


def test_every_action_has_a_declared_expectation():
    assert set(EXPECTED) == set(RULES)


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_each_seat_gets_what_the_table_says(action):
    got = tuple(can_perform(action, seat) for seat in (TEACHER, STUDENT, DRAWER, EVERYONE_DRAWS))
    assert got == EXPECTED[action]


@pytest.mark.parametrize("action", [a for a, expected in EXPECTED.items() if not all(expected)])
def test_every_refusal_says_why(action):
    assert refusal(action) and "teacher" in refusal(action)


def test_an_action_without_a_rule_is_refused():
    assert not can_perform("shout", TEACHER)
    assert refusal("shout")
