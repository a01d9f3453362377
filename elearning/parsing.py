"""Strict parsing of numbers from URLs and headers (part of the app-free toolkit).

``str.isdigit()`` is true for "²" and "٣", which ``int()`` then refuses or reads as another
number: a query string like ``?after=%C2%B2`` answered 500. Only ASCII digits count here.
"""

from __future__ import annotations

MAX_DIGITS = 18  # fits a 64-bit signed integer (database ids)


def parse_id(text: str | None, *, default: int | None = None) -> int | None:
    """A non-negative integer written in ASCII digits (at most 18), else ``default``."""
    if text is None or not text or len(text) > MAX_DIGITS or not (text.isascii() and text.isdigit()):
        return default
    return int(text)
