"""Checks on generated items: the schema, the cited source, duplicates and repeated options.

An item that breaks the schema (a ``correct`` index out of range, too few options, an empty
card) is rejected. An item that is well formed but whose quote is not on its cited page, that
repeats another item or repeats an option is kept with a flag for the teacher's review.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

SOURCE_NOT_FOUND = "source_not_found"
DUPLICATE = "duplicate"
REPEATED_OPTIONS = "repeated_options"
FLAGS = (SOURCE_NOT_FOUND, DUPLICATE, REPEATED_OPTIONS)

QUIZ = "quiz"
FLASHCARDS = "flashcards"
KINDS = (QUIZ, FLASHCARDS)
ITEMS_KEY = {QUIZ: "questions", FLASHCARDS: "cards"}

MIN_OPTIONS, MAX_OPTIONS = 2, 6
MAX_TEXT = 1000  # a question, option, card side or quote longer than this is not an item
NEAR_DUPLICATE = 0.8  # token Jaccard at or above which two items ask the same thing
MIN_QUOTE_CHARS = 8  # a shorter quote ("the") would be found anywhere and prove nothing

# Typographic variants that PDFs, models and keyboards exchange freely.
QUOTES = "\"'`´‘’‚‛“”„‟«»‹›「」『』′″"
DASHES = "‐‑‒–—―−﹘﹣－"
_TRANSLATE = str.maketrans({**{q: " " for q in QUOTES}, **{d: "-" for d in DASHES}, "\u00ad": "-"})
_ZERO_WIDTH = re.compile("[\u200b-\u200f\u2060\ufeff]")
# A hyphen with the line break (or any space) after it joins the two halves: "adip-\niscing"
# and "adipiscing", "well-\nknown" and "well-known" all come out alike.
_HYPHEN_BREAK = re.compile(r"-\s*")
_TOKEN = re.compile(r"\w+")


def normalise(text: str) -> str:
    """Text reduced to its words for comparison: compatibility forms (ligatures, full-width,
    Arabic presentation forms), case, accents and vowel marks, quotes, dashes, hyphenation at
    line ends and all punctuation and whitespace differences removed."""
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    text = _ZERO_WIDTH.sub("", text).casefold()
    text = _HYPHEN_BREAK.sub("", text)
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")
    return " ".join(_TOKEN.findall(text))


def tokens(text: str) -> set[str]:
    return set(normalise(text).split())


class PageIndex:
    """The document's pages normalised once, so each quote check is one substring search."""

    def __init__(self, pages_text: list[str]):
        self._pages = pages_text
        self._normalised: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self._pages)

    def page(self, number: int) -> str:
        if number not in self._normalised:
            self._normalised[number] = " " + normalise(self._pages[number - 1]) + " "
        return self._normalised[number]

    def quote_on_page(self, quote: str, page: object) -> bool:
        if not isinstance(page, int) or isinstance(page, bool) or not 1 <= page <= len(self._pages):
            return False
        needle = normalise(quote)
        if len(needle) < MIN_QUOTE_CHARS:
            return False
        return needle in self.page(page)


# --- Schema ---------------------------------------------------------------------------------


class SchemaError(ValueError):
    """The answer as a whole does not have the expected shape (no list of items)."""


@dataclass
class Validated:
    items: list[dict] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # why each rejected item was refused


def _text(value: object) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    if not value or len(value) > MAX_TEXT:
        return None
    return value


def _integer(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _quote(value: object) -> str | None:
    if value is None:
        return ""  # no quote: kept, and the grounding check flags it
    if not isinstance(value, str):
        return None
    return " ".join(value.split())[:MAX_TEXT]


def validate_item(kind: str, raw: object) -> tuple[dict | None, str]:
    """One item in its clean form, or None and the reason it is rejected."""
    if not isinstance(raw, dict):
        return None, "not an object"
    page = _integer(raw.get("page"))
    if page is None:
        return None, "page is not a number"
    quote = _quote(raw.get("quote"))
    if quote is None:
        return None, "quote is not text"
    if kind == QUIZ:
        question = _text(raw.get("question"))
        if question is None:
            return None, "empty question"
        options = raw.get("options")
        if not isinstance(options, list) or not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
            return None, "needs 2 to 6 options"
        options = [_text(option) for option in options]
        if any(option is None for option in options):
            return None, "empty option"
        correct = raw.get("correct")
        index = _integer(correct)
        if index is None and isinstance(correct, str):
            # Some models name the right option instead of giving its index.
            matches = [i for i, option in enumerate(options) if normalise(option) == normalise(correct)]
            index = matches[0] if len(matches) == 1 else None
        if index is None or not 0 <= index < len(options):
            return None, "correct is not the index of an option"
        return {"question": question, "options": options, "correct": index,
                "page": page, "quote": quote, "flags": []}, ""
    front, back = _text(raw.get("front")), _text(raw.get("back"))
    if front is None or back is None:
        return None, "empty side"
    return {"front": front, "back": back, "page": page, "quote": quote, "flags": []}, ""


def validate_answer(kind: str, data: object) -> Validated:
    """The items of a model's answer; raises SchemaError when there is no list of items at all."""
    key = ITEMS_KEY[kind]
    if isinstance(data, dict):
        raw_items = data.get(key)
        if raw_items is None and len(data) == 1:
            # {"quiz": {"questions": [...]}} — one wrapper too many is still the same answer.
            inner = next(iter(data.values()))
            if isinstance(inner, dict):
                raw_items = inner.get(key)
    elif isinstance(data, list):
        raw_items = data
    else:
        raw_items = None
    if not isinstance(raw_items, list):
        raise SchemaError(f'no "{key}" list')
    result = Validated()
    for raw in raw_items:
        item, reason = validate_item(kind, raw)
        if item is None:
            result.rejected.append(reason)
        else:
            result.items.append(item)
    return result


# --- Flags ----------------------------------------------------------------------------------


def item_text(kind: str, item: dict) -> str:
    """What makes an item the same as another: the question, or the card's front."""
    return item["question"] if kind == QUIZ else item["front"]


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def is_near_duplicate(a: set[str], b: set[str]) -> bool:
    return jaccard(a, b) >= NEAR_DUPLICATE


def has_repeated_options(item: dict) -> bool:
    options = [normalise(option) for option in item.get("options", [])]
    return len(set(options)) < len(options)


def source_found(item: dict, index: PageIndex) -> bool:
    return index.quote_on_page(item.get("quote") or "", item.get("page"))


def flag_items(kind: str, items: list[dict], index: PageIndex, *, existing: list[dict] = ()) -> list[dict]:
    """Set each item's flags (in place, and returned): its source, repeated options, and whether
    it nearly repeats an earlier item of the list or any of ``existing``."""
    seen = [tokens(item_text(kind, other)) for other in existing if _has_text(kind, other)]
    for item in items:
        flags = []
        if not source_found(item, index):
            flags.append(SOURCE_NOT_FOUND)
        words = tokens(item_text(kind, item))
        if any(is_near_duplicate(words, other) for other in seen):
            flags.append(DUPLICATE)
        if kind == QUIZ and has_repeated_options(item):
            flags.append(REPEATED_OPTIONS)
        item["flags"] = flags
        seen.append(words)
    return items


def _has_text(kind: str, item: dict) -> bool:
    return bool(item.get("question" if kind == QUIZ else "front"))
