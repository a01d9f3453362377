"""Stroke assembly, without sockets or a database."""

from __future__ import annotations

import json

from classroom.protocol import parse_frame
from classroom.strokes import Step, StrokeBuffer


def piece(sid="s", tool="pen", points=(), end=False, **extra) -> dict:
    """A ``draw`` message as the consumer gets it: validated by the protocol."""
    return parse_frame(json.dumps({"type": "draw", "sid": sid, "tool": tool, "points": list(points), "end": end, **extra}))


def test_a_pen_stroke_is_shown_piece_by_piece_and_stored_whole():
    buffer = StrokeBuffer()
    first = buffer.add(piece(points=[0.1, 0.1, 0.2, 0.2], color="#FF0000", width=5))
    assert first == Step("s", live={"tool": "pen", "color": "#ff0000", "width": 5, "points": [0.1, 0.1, 0.2, 0.2]})
    last = buffer.add(piece(points=[0.3, 0.35], end=True))
    assert last.live == {"tool": "pen", "color": "#ff0000", "width": 5, "points": [0.3, 0.35]}
    assert last.finished == {"tool": "pen", "color": "#ff0000", "width": 5, "points": [0.1, 0.1, 0.2, 0.2, 0.3, 0.35]}
    assert len(buffer) == 0


def test_a_stroke_keeps_the_look_of_its_first_piece():
    buffer = StrokeBuffer()
    buffer.add(piece(points=[0.1, 0.1], color="#00ff00", width=3))
    step = buffer.add(piece(points=[0.2, 0.2], color="#000000", width=40, end=True))
    assert step.live["color"] == step.finished["color"] == "#00ff00"
    assert step.finished["width"] == 3


def test_a_line_is_replaced_by_each_piece_and_only_shown_when_stored():
    buffer = StrokeBuffer()
    assert buffer.add(piece(tool="line", points=[0, 0, 0.5, 0.5])) == Step("s")
    step = buffer.add(piece(tool="line", points=[0, 0, 1, 1], end=True))
    assert step.live is None
    assert step.finished["points"] == [0, 0, 1, 1]


def test_text_is_stored_at_once_without_opening_a_stroke():
    step = (buffer := StrokeBuffer()).add(piece(tool="text", points=[0.5, 0.5], text=" Hi ", size=30))
    assert step == Step("s", finished={"tool": "text", "color": "#000000", "width": 4, "points": [0.5, 0.5], "text": "Hi", "size": 30})
    assert len(buffer) == 0


def test_an_empty_or_one_number_stroke_is_not_stored():
    buffer = StrokeBuffer()
    assert buffer.add(piece(points=[], end=True)) == Step("s")
    assert buffer.drain() == []


def test_a_long_stroke_is_finished_at_the_limit():
    buffer = StrokeBuffer(max_numbers=6)
    assert buffer.add(piece(points=[0.1, 0.1, 0.2, 0.2])).finished is None
    step = buffer.add(piece(points=[0.3, 0.3]))  # not ended by the client
    assert step.finished["points"] == [0.1, 0.1, 0.2, 0.2, 0.3, 0.3]
    assert len(buffer) == 0
    assert buffer.add(piece(points=[0.4, 0.4])).finished is None  # the same sid starts afresh


def test_too_many_open_strokes_forget_the_oldest():
    buffer = StrokeBuffer(max_open=2)
    for sid in ("a", "b", "c"):
        buffer.add(piece(sid=sid, points=[0.1, 0.1, 0.2, 0.2]))
    assert [sid for sid, _ in buffer.drain()] == ["b", "c"]


def test_drain_returns_open_strokes_as_far_as_they_went_and_empties_the_buffer():
    buffer = StrokeBuffer()
    buffer.add(piece(sid="a", points=[0.1, 0.1, 0.2, 0.2]))
    buffer.add(piece(sid="b", points=[]))  # nothing drawn yet
    buffer.add(piece(sid="c", tool="line", points=[0, 0, 1, 1]))
    assert buffer.drain() == [
        ("a", {"tool": "pen", "color": "#000000", "width": 4, "points": [0.1, 0.1, 0.2, 0.2]}),
        ("c", {"tool": "line", "color": "#000000", "width": 4, "points": [0, 0, 1, 1]}),
    ]
    assert buffer.drain() == [] and len(buffer) == 0


def test_the_message_it_was_given_is_left_alone():
    message = piece(points=[0.1, 0.1, 0.2, 0.2], end=True)
    before = {**message, "points": list(message["points"])}
    StrokeBuffer().add(message)
    assert message == before
