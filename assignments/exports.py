"""Assignments in other tools' formats: Moodle XML and GIFT for quizzes, CSV/TSV for decks
(Anki and Quizlet import both), and the submissions table as CSV."""

from __future__ import annotations

import csv
import html
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence

from .models import Assignment, Card, Question, Submission


def _source_note(item) -> str:
    parts = []
    if item.page:
        parts.append(f"p. {item.page}")
    if item.quote:
        parts.append(f"“{item.quote}”")
    return " — ".join(parts)


def _sub(parent, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        ET.SubElement(element, "text").text = text
    return element


def moodle_xml(assignment: Assignment, questions: Sequence[Question]) -> bytes:
    """Moodle's question-bank XML: one category named after the quiz, one single-answer
    multichoice question each. Texts are HTML-escaped (format "html"); ElementTree escapes the XML."""
    quiz = ET.Element("quiz")
    category = ET.SubElement(quiz, "question", type="category")
    _sub(category, "category", f"$course$/{assignment.title}")
    for number, question in enumerate(questions, start=1):
        element = ET.SubElement(quiz, "question", type="multichoice")
        _sub(element, "name", f"{number}. {question.text[:60]}")
        _sub(element, "questiontext", f"<p>{html.escape(question.text)}</p>", format="html")
        note = _source_note(question)
        _sub(element, "generalfeedback", f"<p>{html.escape(note)}</p>" if note else "", format="html")
        ET.SubElement(element, "defaultgrade").text = "1"
        ET.SubElement(element, "penalty").text = "0.3333333"
        ET.SubElement(element, "hidden").text = "0"
        ET.SubElement(element, "single").text = "true"
        ET.SubElement(element, "shuffleanswers").text = "true"
        ET.SubElement(element, "answernumbering").text = "abc"
        for index, option in enumerate(question.options):
            answer = _sub(
                element, "answer", html.escape(option), fraction="100" if index == question.correct else "0",
                format="html",
            )
            _sub(answer, "feedback", "", format="html")
    ET.indent(quiz)
    return ET.tostring(quiz, encoding="UTF-8", xml_declaration=True) + b"\n"


GIFT_SPECIAL = re.compile(r"([\\~=#{}:])")


def gift_escape(text: str) -> str:
    """GIFT's control characters (~ = # { } : and the backslash) escaped; one line per text."""
    return GIFT_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def gift(assignment: Assignment, questions: Sequence[Question]) -> str:
    lines = [f"$CATEGORY: $course$/{gift_escape(assignment.title)}", ""]
    for number, question in enumerate(questions, start=1):
        note = _source_note(question)
        if note:
            lines.append("// " + " ".join(note.split()))
        lines.append(f"::{number}:: {gift_escape(question.text)} {{")
        for index, option in enumerate(question.options):
            lines.append(("=" if index == question.correct else "~") + gift_escape(option))
        lines.append("}")
        lines.append("")
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def deck_csv(cards: Iterable[Card]) -> str:
    """Front, back — no header row: Anki ("Import File") and Quizlet ("Import", comma) take the
    first column as the front. Line breaks inside a side become spaces, so a card is always one
    line (Quizlet splits cards on new lines); commas and quotes are quoted the RFC 4180 way."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for card in cards:
        writer.writerow([_one_line(card.front), _one_line(card.back)])
    return out.getvalue()


def deck_tsv(cards: Iterable[Card]) -> str:
    """Front TAB back, one card a line: what Quizlet's import box and Anki expect by default."""
    return "".join(f"{_one_line(card.front)}\t{_one_line(card.back)}\n" for card in cards)


SPREADSHEET_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """Text a spreadsheet will not run as a formula (CSV injection)."""
    text = str(value)
    return "'" + text if text.startswith(SPREADSHEET_FORMULA) else text


def submissions_csv(submissions: Iterable[Submission]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student", "username", "score", "out_of", "percent", "submitted_at", "late"])
    for submission in submissions:
        student = submission.student
        writer.writerow([
            _cell(student.display_name), _cell(student.username), submission.score, submission.total,
            submission.percent, submission.submitted_at.isoformat(), "yes" if submission.is_late else "no",
        ])
    return out.getvalue()
