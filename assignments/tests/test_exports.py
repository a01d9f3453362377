"""Exports parse as what the other tools read: Moodle XML, GIFT, CSV/TSV for Anki and Quizlet."""

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from assignments import exports
from assignments.models import Assignment, Card, Question

NASTY = 'Is 2 < 3 & "x" = {y}: ~ok #1 \\ <script>alert(1)</script>?'


def quiz(title="Ch. 1: <cells> & {more}"):
    return Assignment(title=title, kind="quiz")


def questions():
    return [
        Question(text=NASTY, options=["=a", "~b", "c: d", "{e}"], correct=2, page=4, quote="p < q"),
        Question(text="Plain?", options=["yes", "no"], correct=0),
    ]


def test_moodle_xml_parses_with_the_right_answers_and_escaped_text():
    root = ET.fromstring(exports.moodle_xml(quiz(), questions()))
    assert root.tag == "quiz"
    category, first, second = root.findall("question")
    assert category.get("type") == "category"
    assert category.find("category/text").text == "$course$/Ch. 1: <cells> & {more}"
    assert first.get("type") == "multichoice" and first.find("single").text == "true"
    # The question is HTML inside XML: after the XML layer it is escaped HTML.
    assert first.find("questiontext").get("format") == "html"
    assert first.find("questiontext/text").text == "<p>Is 2 &lt; 3 &amp; &quot;x&quot; = {y}: ~ok #1 \\ &lt;script&gt;alert(1)&lt;/script&gt;?</p>"
    answers = first.findall("answer")
    assert [a.get("fraction") for a in answers] == ["0", "0", "100", "0"]
    assert [a.find("text").text for a in answers] == ["=a", "~b", "c: d", "{e}"]
    assert "page" in first.find("generalfeedback/text").text.lower() or "p. 4" in first.find("generalfeedback/text").text
    assert [a.get("fraction") for a in second.findall("answer")] == ["100", "0"]


def test_gift_escapes_its_control_characters():
    assert exports.gift_escape("a~b=c#d{e}f:g\\h") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h"
    text = exports.gift(quiz(), questions())
    lines = text.splitlines()
    assert lines[0] == "$CATEGORY: $course$/Ch. 1\\: <cells> & \\{more\\}"
    start = lines.index("// p. 4 — “p < q”")
    assert lines[start + 1] == "::1:: Is 2 < 3 & \"x\" \\= \\{y\\}\\: \\~ok \\#1 \\\\ <script>alert(1)</script>? {"
    assert lines[start + 2 : start + 7] == ["~\\=a", "~\\~b", "=c\\: d", "~\\{e\\}", "}"]
    assert "::2:: Plain? {" in lines and "=yes" in lines and "~no" in lines


def _unescape_gift_answers(block: list[str]) -> list[tuple[str, str]]:
    """A tiny GIFT reader for answer lines: the marker, then the text with escapes undone."""
    out = []
    for line in block:
        marker, body = line[0], line[1:]
        out.append((marker, body.replace("\\\\", "\x00").replace("\\", "").replace("\x00", "\\")))
    return out


def test_gift_round_trip_of_answers():
    lines = exports.gift(quiz(), questions()).splitlines()
    start = lines.index("// p. 4 — “p < q”") + 2
    assert _unescape_gift_answers(lines[start : start + 4]) == [("~", "=a"), ("~", "~b"), ("=", "c: d"), ("~", "{e}")]


@pytest.fixture
def cards():
    return [
        Card(front="Cell, the unit", back='Says "hi"\nover two lines'),
        Card(front="Tab\there", back="plain"),
    ]


def test_deck_csv_reads_back_as_two_columns(cards):
    rows = list(csv.reader(io.StringIO(exports.deck_csv(cards))))
    assert rows == [["Cell, the unit", 'Says "hi" over two lines'], ["Tab here", "plain"]]


def test_deck_tsv_one_card_a_line(cards):
    assert exports.deck_tsv(cards) == 'Cell, the unit\tSays "hi" over two lines\nTab here\tplain\n'
