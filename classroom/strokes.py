"""Assembles the live pieces of one socket's strokes into whole board elements.

A pen or eraser stroke arrives as many ``draw`` pieces (one per animation frame) sharing a
``sid``; the others see each piece at once, and the whole stroke is stored when it ends. A line
arrives as its current two points, replaced by each piece; text arrives whole. Nothing here
touches the database or the network: the consumer relays and stores what ``add`` returns.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_OPEN_STROKES = 4  # strokes one socket may have in progress at once
MAX_STROKE_NUMBERS = 4000  # coordinates in one stroke before it is finished for the client


@dataclass(frozen=True)
class Step:
    """What one piece leads to: a piece to show the others now (``live``: tool, color, width
    and this piece's points) and/or a finished element to store (``finished``)."""

    sid: str
    live: dict | None = None
    finished: dict | None = None


class StrokeBuffer:
    """The strokes one socket has in progress, keyed by ``sid``, oldest first."""

    def __init__(self, *, max_open: int = MAX_OPEN_STROKES, max_numbers: int = MAX_STROKE_NUMBERS):
        self.max_open = max_open
        self.max_numbers = max_numbers
        self.open: dict[str, dict] = {}

    def __len__(self) -> int:
        return len(self.open)

    def add(self, piece: dict) -> Step:
        """Take one validated ``draw`` message (see ``protocol.parse_frame``)."""
        element = {key: value for key, value in piece.items() if key not in ("type", "sid", "end")}
        sid = piece["sid"]
        if element["tool"] == "text":
            return Step(sid, finished=element)
        stroke = self.open.get(sid)
        if stroke is None:
            if len(self.open) >= self.max_open:
                self.open.pop(next(iter(self.open)))  # an abandoned stroke; forget it
            stroke = self.open[sid] = {**element, "points": []}
        if element["tool"] == "line":
            stroke["points"] = element["points"]
        else:
            stroke["points"] += element["points"]
        # A line is shown when it is stored; a pen's piece is shown as it is drawn.
        live = {**stroke, "points": element["points"]} if element["points"] and element["tool"] != "line" else None
        if piece["end"] or len(stroke["points"]) >= self.max_numbers:
            del self.open[sid]
            if len(stroke["points"]) >= 2:
                return Step(sid, live=live, finished=stroke)
        return Step(sid, live=live)

    def drain(self) -> list[tuple[str, dict]]:
        """Forget every open stroke, returning those worth storing as far as they were drawn
        (at least one point): ``(sid, element)`` pairs, oldest first."""
        strokes, self.open = self.open, {}
        return [(sid, stroke) for sid, stroke in strokes.items() if len(stroke["points"]) >= 2]
