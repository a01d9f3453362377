"""The "online" frame of each classroom, kept per server process for a moment."""

from __future__ import annotations

import time

from . import events


class OnlineFrames:
    """The "online" frame of each classroom, read at most once per ``reuse`` seconds per process.

    Every socket's heartbeat sends its classroom's full online list; read per socket, a class of
    500 would fetch 500 rows 500 times per heartbeat period. A join stores the list it read.
    """

    def __init__(self, reuse: float):
        self.reuse = reuse
        self.frames: dict[int, tuple[float, str]] = {}

    def get(self, course_id: int) -> str | None:
        stored = self.frames.get(course_id)
        if stored and time.monotonic() - stored[0] < self.reuse:
            return stored[1]
        return None

    def put(self, course_id: int, online: list[dict]) -> str:
        now = time.monotonic()
        if len(self.frames) > 100:  # forget classrooms that went quiet
            self.frames = {k: v for k, v in self.frames.items() if now - v[0] < self.reuse}
        text = events.frame(events.online(online))
        self.frames[course_id] = (now, text)
        return text

    def clear(self):
        self.frames.clear()


online_frames = OnlineFrames(reuse=2.0)
