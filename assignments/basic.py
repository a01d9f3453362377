"""The built-in generator: cloze questions and cards from the document's own sentences.

No network and no model. Informative sentences are picked across the whole document; in each,
one key term is blanked — a number or year, a capitalised name or phrase, or a long word that the
document uses more than once but not everywhere. Distractors are other terms of the same document
of the same kind (years for a year, names for a name, long words for a long word). Every item
cites its page and quotes its sentence verbatim, so the grounding check passes by construction.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from .grounding import FLASHCARDS, QUIZ, is_near_duplicate, normalise, tokens
from .pdf import STOPWORD_SETS

BLANK = "_____"
MIN_WORDS, MAX_WORDS = 7, 45
MAX_SENTENCE_CHARS = 320
OPTIONS = 4
ALL_STOPWORDS = set().union(*STOPWORD_SETS.values())

# Sentence ends: . ! ? and their Arabic/CJK forms, followed by space or the end.
_SENTENCE_END = re.compile(r"(?<=[.!?。！？؟])\s+|(?<=[。！？])")
_LETTER = re.compile(r"[^\W\d_]")
_HYPHEN_LINE = re.compile(r"(\w)-\n(\w)")
_WORD = re.compile(r"[^\W_](?:[\w'’-]*[^\W_])?")
_NUMBER = re.compile(r"^\d{2,4}$|^\d+[.,]\d+$")
_FORMULA = re.compile(r":=|[=<>≤≥∈∑∫√±×÷→⇒⊂⊆∪∩]|\b[a-zA-Z]\s*[(\[][^)\]]{0,12}[)\]]\s*=")
_ABBREVIATION = re.compile(r"\b(?:[A-Z]|Dr|Mr|Mrs|Ms|Prof|St|vs|etc|e\.g|i\.e|z\.B|bzw|ca|Nr|Abb|Fig|No)\.$")


@dataclass
class Sentence:
    page: int
    text: str  # verbatim (line-break hyphens joined, spaces collapsed)
    order: int


@dataclass(frozen=True)
class Term:
    text: str
    kind: str  # "number", "name" (capitalised), "word"


def page_sentences(page_text: str) -> list[str]:
    """The page's sentences, with words broken across lines joined again. A short line that
    ends without punctuation (a heading, a caption, an author line) ends its own block, so it
    is not glued to the sentence after it."""
    text = _HYPHEN_LINE.sub(r"\1\2", page_text)
    lines = [line.strip() for line in text.splitlines()]
    lengths = sorted(len(line) for line in lines if line)
    typical = lengths[len(lengths) * 3 // 4] if lengths else 0
    blocks: list[list[str]] = [[]]
    for line in lines:
        if not line:
            blocks.append([])
            continue
        blocks[-1].append(line)
        if len(line) < 0.6 * typical and line[-1] not in ",;:-–(":
            blocks.append([])  # a heading, or a paragraph's last line
    parts: list[str] = []
    for block in blocks:
        if block:
            parts.extend(_split_sentences(" ".join(" ".join(block).split())))
    return parts


def _split_sentences(text: str) -> list[str]:
    parts: list[str] = []
    buffer = ""
    for piece in _SENTENCE_END.split(text):
        buffer = f"{buffer} {piece}".strip() if buffer else piece.strip()
        if _ABBREVIATION.search(buffer):
            continue  # "Dr. Smith" is not a sentence end
        if buffer:
            parts.append(buffer)
        buffer = ""
    if buffer:
        parts.append(buffer)
    return parts


def _usable(sentence: str) -> bool:
    words = sentence.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS or len(sentence) > MAX_SENTENCE_CHARS:
        return False
    letters = len(_LETTER.findall(sentence))
    if letters < 0.6 * len(sentence):
        return False  # tables, formulas, references
    if "http" in sentence or "@" in sentence or sentence.isupper():
        return False
    if _FORMULA.search(sentence):
        return False  # mathematics reads badly as running text once extracted
    short = sum(1 for word in words if len(word.strip(".,;:()")) <= 1)
    if short > 0.25 * len(words):
        return False
    return sentence[-1] in ".!?。！？؟"


def _terms_of(sentence: str) -> list[Term]:
    """Candidate blanks of one sentence, in order, capitalised runs taken as one phrase."""
    words = _WORD.findall(sentence)
    terms: list[Term] = []
    run: list[str] = []

    def close_run():
        if run:
            terms.append(Term(" ".join(run), "name"))
            run.clear()

    for position, word in enumerate(words):
        following = words[position + 1] if position + 1 < len(words) else ""
        if following[:1].isdigit() and not _NUMBER.match(word):
            close_run()
            continue  # "Figure 3", "Definition 48": a label, not knowledge
        if _NUMBER.match(word):
            close_run()
            previous = words[position - 1] if position else ""
            if previous[:1].isupper() and position > 1:
                continue  # "Abbildung 1.11", "Chapter 12": a label's number
            terms.append(Term(word, "number"))
            continue
        lower = word.lower()
        if word[:1].isupper() and position > 0 and lower not in ALL_STOPWORDS and len(word) > 1:
            run.append(word)
            if len(run) == 3:
                close_run()
            continue
        close_run()
        if len(word) >= 7 and lower not in ALL_STOPWORDS and word.isalpha():
            terms.append(Term(word, "word"))
    close_run()
    return terms


class BasicGenerator:
    """Reads the document once; then makes any number of items from it."""

    def __init__(self, pages_text: list[str]):
        self.pages_text = pages_text
        self.sentences: list[Sentence] = []
        for number, page in enumerate(pages_text, start=1):
            for text in page_sentences(page):
                if _usable(text):
                    self.sentences.append(Sentence(number, text, len(self.sentences)))
        self.term_sentences: Counter[str] = Counter()  # in how many sentences each term occurs
        self.sentence_terms: list[list[Term]] = []
        self.by_kind: dict[str, Counter[Term]] = defaultdict(Counter)
        for sentence in self.sentences:
            terms = _terms_of(sentence.text)
            self.sentence_terms.append(terms)
            for term in set(terms):
                self.term_sentences[term.text.lower()] += 1
                self.by_kind[term.kind][term] += 1

    def _term_score(self, term: Term) -> float:
        """How good a blank the term makes: names and years are facts worth asking; a long word
        the document uses a few times is a concept; a word in one sentence out of ten is
        the document's everyday vocabulary (or its topic), no question in it."""
        frequency = self.term_sentences[term.text.lower()]
        if len(self.sentences) > 20 and frequency / len(self.sentences) > 0.1:
            return 0.0
        if term.kind == "name":
            return 3.0 + min(2.0, math.log(1 + frequency)) + 0.5 * term.text.count(" ")
        if term.kind == "number":
            return 2.5 if len(term.text) == 4 else 1.0  # years make good blanks
        score = 1.0 + min(2.0, math.log(1 + frequency)) + 0.05 * min(len(term.text), 16)
        return score - (0.7 if frequency == 1 else 0.0)

    def _ranked_terms(self, index: int) -> list[tuple[float, Term]]:
        scored = [(self._term_score(term), term) for term in dict.fromkeys(self.sentence_terms[index])]
        return sorted((pair for pair in scored if pair[0] > 0), key=lambda pair: -pair[0])

    def _distractors(self, term: Term, sentence: str, rng: random.Random, wanted: int) -> list[str]:
        if term.kind == "number":
            return self._number_distractors(term, sentence, rng, wanted)
        answer = normalise(term.text)
        in_sentence = f" {normalise(sentence)} "
        chosen: list[str] = []
        seen = {answer}
        # Same kind first (names for a name, long words for a word); the other kind, in the
        # answer's capitalisation, only when the document has too few.
        kinds = [term.kind] + [kind for kind in ("name", "word") if kind != term.kind]
        for kind in kinds:
            pool = []
            for other, frequency in self.by_kind[kind].most_common(400):
                text = other.text
                if kind != term.kind:
                    if " " in text:
                        continue
                    text = text[:1].upper() + text[1:] if term.text[:1].isupper() else text.lower()
                candidate = normalise(text)
                if not candidate or candidate in seen or candidate in answer or answer in candidate:
                    continue
                if f" {candidate} " in in_sentence:
                    continue  # an option the sentence itself shows is no option
                if abs(text.count(" ") - term.text.count(" ")) > 1:
                    continue
                closeness = -0.3 * abs(len(text) - len(term.text)) + math.log(1 + frequency)
                pool.append((closeness + rng.random(), text))
            pool.sort(reverse=True)
            for _score, text in pool:
                if len(chosen) == wanted:
                    break
                if normalise(text) not in seen:
                    chosen.append(text)
                    seen.add(normalise(text))
            if len(chosen) == wanted:
                break
        return chosen

    def _number_distractors(self, term: Term, sentence: str, rng: random.Random, wanted: int) -> list[str]:
        others = [
            other.text for other, _n in self.by_kind["number"].most_common(200)
            if other.text != term.text and len(other.text) == len(term.text) and other.text not in sentence
        ]
        rng.shuffle(others)
        chosen = others[:wanted]
        if term.text.isdigit():
            value = int(term.text)
            offsets = [-10, -5, -3, -2, -1, 1, 2, 3, 5, 10] if len(term.text) == 4 else [-2, -1, 1, 2, 3]
            rng.shuffle(offsets)
            for offset in offsets:
                candidate = str(value + offset)
                if len(chosen) >= wanted:
                    break
                if value + offset >= 0 and candidate not in chosen and candidate != term.text:
                    chosen.append(candidate)
        return chosen[:wanted]

    def candidates(self, pages: set[int] | None = None) -> list[tuple[float, Sentence, list[Term]]]:
        """Every sentence that can carry a blank with its terms best first; best sentences
        first (on the given pages only, if set)."""
        found = []
        for index, sentence in enumerate(self.sentences):
            if pages is not None and sentence.page not in pages:
                continue
            ranked = self._ranked_terms(index)
            if not ranked:
                continue
            score = ranked[0][0]
            # Mid-length sentences read best as questions.
            length = len(sentence.text.split())
            score += 0.5 if 12 <= length <= 30 else 0.0
            found.append((score, sentence, [term for _s, term in ranked]))
        found.sort(key=lambda entry: (-entry[0], entry[1].order))
        return found

    def make_item(self, kind: str, sentence: Sentence, term: Term) -> dict | None:
        rng = random.Random(hashlib.sha256(sentence.text.encode()).digest())
        prompt = _blank(sentence.text, term.text)
        if prompt is None:
            return None
        base = {"page": sentence.page, "quote": sentence.text, "flags": []}
        if kind == FLASHCARDS:
            return {"front": prompt, "back": term.text, **base}
        distractors = self._distractors(term, sentence.text, rng, OPTIONS - 1)
        if not distractors:
            return None
        options = [term.text, *distractors]
        rng.shuffle(options)
        return {"question": prompt, "options": options, "correct": options.index(term.text), **base}

    def generate(self, kind: str, count: int, *, avoid: list[dict] = (), pages: set[int] | None = None) -> list[dict]:
        """Up to ``count`` items spread across the document: the best sentence of each of
        ``count`` equal stretches first, then the best of the rest; never the same term or
        a near-duplicate sentence twice."""
        ranked = self.candidates(pages)
        if not ranked:
            return []
        avoid_words = [tokens(item.get("question") or item.get("front") or "") for item in avoid]
        avoid_quotes = {normalise(item.get("quote") or "") for item in avoid}
        used_terms: set[str] = set()
        used_words: list[set[str]] = list(avoid_words)
        chosen: list[tuple[Sentence, dict]] = []

        def take(sentence: Sentence, terms: list[Term]) -> bool:
            if normalise(sentence.text) in avoid_quotes:
                return False
            for term in terms:  # the best term not blanked already
                key = term.text.lower()
                if key in used_terms:
                    continue
                item = self.make_item(kind, sentence, term)
                if item is None:
                    continue
                # Judged as the review judges it: by the question (or front) as shown.
                words = tokens(item.get("question") or item.get("front"))
                if any(is_near_duplicate(words, other) for other in used_words):
                    continue
                used_terms.add(key)
                used_words.append(words)
                chosen.append((sentence, item))
                return True
            return False

        # Stretches by sentence order, so a long document is covered end to end.
        total = len(self.sentences)
        stretches: dict[int, list[tuple[float, Sentence, Term]]] = defaultdict(list)
        for entry in ranked:
            stretches[entry[1].order * count // max(1, total)].append(entry)
        for stretch in sorted(stretches):
            for _score, sentence, terms in stretches[stretch]:
                if take(sentence, terms):
                    break
            if len(chosen) >= count:
                break
        for _score, sentence, terms in ranked:
            if len(chosen) >= count:
                break
            if not any(sentence is s for s, _ in chosen):
                take(sentence, terms)
        chosen.sort(key=lambda pair: pair[0].order)
        return [item for _sentence, item in chosen[:count]]


def _blank(sentence: str, term: str) -> str | None:
    """The sentence with every occurrence of the term blanked (a second one left would give the
    answer away); None when the term is not there as a whole word."""
    blanked, found = re.subn(rf"(?<!\w){re.escape(term)}(?!\w)", BLANK, sentence)
    return blanked if found else None


def generate(pages_text: list[str], *, kind: str, count: int, avoid: list[dict] = ()) -> list[dict]:
    """Up to ``count`` quiz questions or cards from the pages (see the module docstring)."""
    assert kind in (QUIZ, FLASHCARDS)
    return BasicGenerator(pages_text).generate(kind, count, avoid=avoid)
