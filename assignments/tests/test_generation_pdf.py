"""Reading PDFs, checking sources and the basic generator, on PDFs the tests make.

No model and no database: with neither OPENAI_API_KEY nor OPENAI_BASE_URL set, ``generate``
uses the built-in basic generator.
"""

from __future__ import annotations

import pytest

from assignments import basic
from assignments.basic import BLANK, page_sentences
from assignments.generation import (
    GenerationError,
    Stage,
    generate,
    plan_chunks,
    regenerate_item,
)
from assignments.grounding import PageIndex, flag_items, normalise, validate_answer
from assignments.pdf import detect_language, extract_pages

from .pdfs import (
    GERMAN_PAGES,
    biology_pages,
    encrypted_pdf,
    image_only_pdf,
    text_pdf,
    truncated_pdf,
)

LIMITS = {"max_bytes": 50 * 1024 * 1024, "max_pages": 1000}


@pytest.fixture(autouse=True)
def no_model(settings):
    settings.OPENAI_API_KEY = ""
    settings.OPENAI_BASE_URL = ""
    settings.ASSIGNMENT_PDF_MAX_MB = 20
    settings.ASSIGNMENT_PDF_MAX_PAGES = 500


# --- Extraction -----------------------------------------------------------------------------


def test_pages_keep_their_numbers_and_text():
    pages = extract_pages(text_pdf(biology_pages(5)), **LIMITS)
    assert len(pages) == 5
    for number, text in enumerate(pages, start=1):
        assert f"page marker {number} of the course reader" in " ".join(text.split())
        assert f"page marker {number + 1} " not in " ".join(text.split())


def test_latin1_letters_and_empty_pages_survive():
    pages = extract_pages(text_pdf([GERMAN_PAGES[0], "", "Grüße aus München über die Straße. " * 10]), **LIMITS)
    assert pages[1] == ""
    assert "Grüße aus München über die Straße." in pages[2]


def test_encrypted_pdf_with_a_password_is_refused_clearly():
    with pytest.raises(GenerationError) as caught:
        generate(encrypted_pdf(biology_pages(2)), kind="quiz", count=3)
    assert caught.value.code == "encrypted"
    assert "password" in caught.value.message


def test_encrypted_pdf_with_an_empty_user_password_opens():
    pages = extract_pages(encrypted_pdf(biology_pages(2), user_password=""), **LIMITS)
    assert "page marker 2" in " ".join(pages[1].split())


def test_image_only_pdf_has_no_text():
    with pytest.raises(GenerationError) as caught:
        generate(image_only_pdf(3), kind="quiz", count=3)
    assert caught.value.code == "no_text"
    assert "No text could be read" in caught.value.message


def test_image_pages_among_text_pages_are_empty_but_kept():
    pages = extract_pages(text_pdf(biology_pages(3), image_pages=(2,)), **LIMITS)
    assert len(pages) == 3 and pages[1] == "" and "page marker 3" in " ".join(pages[2].split())


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(truncated_pdf(biology_pages(4), keep=0.3), id="truncated"),
        pytest.param(b"%PDF-1.7\n" + bytes(range(256)) * 40, id="garbage-after-header"),
        pytest.param(b"<html><body>not a pdf</body></html>", id="not-a-pdf"),
        pytest.param(b"", id="empty"),
    ],
)
def test_damaged_files_end_in_a_clear_error(data):
    with pytest.raises(GenerationError) as caught:
        generate(data, kind="flashcards", count=3)
    assert caught.value.code in ("corrupt", "no_text")
    assert caught.value.message


def test_truncated_pdf_is_corrupt_or_readable_never_a_crash():
    """pypdf rebuilds a lost cross-reference table when it can: a PDF cut after most of its
    pages still gives the pages that are whole."""
    data = truncated_pdf(biology_pages(10), keep=0.8)
    try:
        pages = extract_pages(data, **LIMITS)
    except Exception as exc:  # noqa: BLE001 — must be our error, nothing else
        assert type(exc).__name__ == "PdfError"
    else:
        assert any("page marker 1 " in " ".join(p.split()) for p in pages)


def test_oversized_pdf_by_bytes_and_by_pages(settings):
    data = text_pdf(biology_pages(12))
    settings.ASSIGNMENT_PDF_MAX_PAGES = 10
    with pytest.raises(GenerationError) as caught:
        generate(data, kind="quiz", count=3)
    assert caught.value.code == "too_large"
    assert "10 pages" in caught.value.message
    settings.ASSIGNMENT_PDF_MAX_PAGES = 500
    settings.ASSIGNMENT_PDF_MAX_MB = 0
    with pytest.raises(GenerationError) as caught:
        generate(data, kind="quiz", count=3)
    assert caught.value.code == "too_large"


# --- Language -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,code",
    [
        (" ".join(biology_pages(2)), "en"),
        (" ".join(GERMAN_PAGES), "de"),
        ("La cellule est l'unité de base du vivant. Elle est entourée par une membrane qui "
         "contrôle les échanges avec le milieu et le noyau contient les chromosomes.", "fr"),
        ("La célula es la unidad básica de la vida. Está rodeada por una membrana que regula el "
         "intercambio con el medio y el núcleo contiene los cromosomas de la especie.", "es"),
        ("De cel is de kleinste eenheid van het leven. Een cel wordt omgeven door een membraan die "
         "het transport van stoffen regelt en de kern bevat het erfelijk materiaal.", "nl"),
        ("الخلية هي الوحدة الأساسية للحياة، وتحيط بها غشاء ينظم تبادل المواد مع البيئة.", "ar"),
        ("Клетка является основной единицей жизни и окружена мембраной.", "ru"),
        ("Το κύτταρο είναι η βασική μονάδα της ζωής.", "el"),
        ("细胞是生命的基本单位，细胞膜控制物质的进出。", "zh"),
        ("細胞は生命の基本単位であり、細胞膜に囲まれている。", "ja"),
        ("12345 67890", "und"),
    ],
)
def test_language_of_the_document(text, code):
    assert detect_language(text) == code


def test_generation_reports_the_document_language():
    result = generate(text_pdf(GERMAN_PAGES * 2), kind="flashcards", count=2)
    assert result.language == "de"


# --- Grounding ------------------------------------------------------------------------------


def test_normalise_forgives_case_space_hyphenation_quotes_dashes_and_ligatures():
    page = "The “Krebs cycle” — discovered in 1937 — runs in the mito-\nchondria of ef\ufb01cient cells."
    index = PageIndex([page])
    assert index.quote_on_page('the "krebs   cycle" - discovered in 1937', 1)
    assert index.quote_on_page("runs in the mitochondria of efficient cells", 1)
    assert index.quote_on_page("RUNS IN THE MITO-CHONDRIA", 1)
    assert not index.quote_on_page("runs in the nucleus of efficient cells", 1)
    assert normalise("Ａｒａｂｉｃ ﬁsh") == normalise("arabic fish")


def test_quotes_match_across_line_breaks_and_hyphenation_in_a_real_pdf():
    page = (
        "In plant cells the chloro-\nplasts capture light, while the mito-\nchondria release\n"
        "the energy stored in sugar during cellular respiration, a well-\nknown process."
    )
    pages = extract_pages(text_pdf([page, biology_pages(1)[0]]), **LIMITS)
    assert "chloro-\nplasts" in pages[0]  # the PDF really breaks the words
    index = PageIndex(pages)
    assert index.quote_on_page("the chloroplasts capture light, while the mitochondria release the energy", 1)
    assert index.quote_on_page("cellular respiration, a well-known process", 1)
    assert not index.quote_on_page("the chloroplasts capture light", 2)


def test_quote_must_be_on_the_cited_page():
    index = PageIndex(["Water boils at one hundred degrees.", "Ice melts at zero degrees Celsius."])
    assert index.quote_on_page("Ice melts at zero degrees", 2)
    assert not index.quote_on_page("Ice melts at zero degrees", 1)
    assert not index.quote_on_page("Ice melts at zero degrees", 3)
    assert not index.quote_on_page("Ice melts at zero degrees", 0)
    assert not index.quote_on_page("Ice", 2)  # too short to prove anything
    assert not index.quote_on_page("", 2)


def test_arabic_quote_with_and_without_vowel_marks():
    index = PageIndex(["قال المعلم: العلم نور والجهل ظلام في كل زمان."])
    assert index.quote_on_page("العِلمُ نورٌ والجهلُ ظلام", 1)


def test_schema_rejects_out_of_range_correct_and_keeps_flagged_items():
    data = {
        "questions": [
            {"question": "Q1 about water?", "options": ["a", "b", "c"], "correct": 3, "page": 1, "quote": "x"},
            {"question": "Q2 about water?", "options": ["a"], "correct": 0, "page": 1, "quote": "x"},
            {"question": "Q3 about water?", "options": ["a", "b", "c", "d", "e", "f", "g"], "correct": 0, "page": 1, "quote": "x"},
            {"question": "", "options": ["a", "b"], "correct": 0, "page": 1, "quote": "x"},
            {"question": "Q5 about water?", "options": ["a", "b"], "correct": -1, "page": 1, "quote": "x"},
            {"question": "Q6 about water?", "options": ["a", "b"], "correct": True, "page": 1, "quote": "x"},
            {"question": "Q7 about water?", "options": ["a", "b"], "correct": 0, "page": "one", "quote": "x"},
            {"question": "How hot does water boil?", "options": ["100 °C", "50 °C", "100 °c"], "correct": 0,
             "page": 1, "quote": "Water boils at one hundred degrees."},
            {"question": "What melts at zero degrees?", "options": ["Ice", "Iron"], "correct": "Ice",
             "page": 2, "quote": "It is written nowhere."},
        ]
    }
    validated = validate_answer("quiz", data)
    assert [item["question"] for item in validated.items] == ["How hot does water boil?", "What melts at zero degrees?"]
    assert len(validated.rejected) == 7
    index = PageIndex(["Water boils at one hundred degrees.", "Ice melts at zero degrees Celsius."])
    first, second = flag_items("quiz", validated.items, index)
    assert first["flags"] == ["repeated_options"]
    assert second["correct"] == 0 and second["flags"] == ["source_not_found"]


def test_cards_need_both_sides():
    validated = validate_answer("flashcards", {"cards": [
        {"front": "Osmosis", "back": "", "page": 1, "quote": "q"},
        {"front": "Osmosis", "back": "Water through a membrane", "page": 1, "quote": "q"},
    ]})
    assert len(validated.items) == 1 and validated.rejected == ["empty side"]


def test_near_duplicates_are_flagged():
    items = [
        {"question": "In which year did Mendel publish his study on heredity?", "options": ["1865", "1900"], "correct": 0, "page": 1, "quote": ""},
        {"question": "In which year did Mendel publish his study about heredity?", "options": ["1865", "1900"], "correct": 0, "page": 1, "quote": ""},
        {"question": "Who discovered penicillin?", "options": ["Fleming", "Curie"], "correct": 0, "page": 1, "quote": ""},
    ]
    flag_items("quiz", items, PageIndex(["nothing"]))
    assert "duplicate" not in items[0]["flags"]
    assert "duplicate" in items[1]["flags"]
    assert "duplicate" not in items[2]["flags"]


# --- Basic generator ------------------------------------------------------------------------


def test_basic_quiz_cites_pages_and_quotes_verbatim():
    stages = []
    pages = biology_pages(8)
    result = generate(text_pdf(pages), kind="quiz", count=6, on_stage=stages.append)
    assert stages == [Stage.READING, Stage.ASKING, Stage.CHECKING] == ["reading", "asking", "checking"]
    assert result.generator == "basic" and result.model == "" and result.prompt_tokens == 0
    assert result.pages == 8 and len(result.pages_text) == 8 and result.language == "en"
    assert len(result.items) == 6
    for item in result.items:
        assert item["flags"] == []
        assert 2 <= len(item["options"]) <= 4 and len(set(item["options"])) == len(item["options"])
        answer = item["options"][item["correct"]]
        assert BLANK in item["question"]
        assert item["question"].replace(BLANK, answer) == item["quote"]
        assert normalise(item["quote"]) in normalise(pages[item["page"] - 1])
    # Spread over the document, not all from its start.
    assert max(item["page"] for item in result.items) >= 6


def test_basic_cards_blank_a_term_and_answer_it():
    result = generate(text_pdf(biology_pages(4)), kind="flashcards", count=4)
    assert len(result.items) == 4
    for card in result.items:
        assert BLANK in card["front"] and card["back"]
        assert card["front"].replace(BLANK, card["back"]) == card["quote"]
        assert card["flags"] == []


def test_basic_generator_covers_a_300_page_document():
    pages = biology_pages(300)
    result = generate(text_pdf(pages), kind="quiz", count=30)
    assert result.pages == 300 and len(result.items) == 30
    cited = sorted(item["page"] for item in result.items)
    assert cited[0] <= 20 and cited[-1] >= 280  # beginning and end
    assert len({page // 50 for page in cited}) == 6  # every sixth of the document
    assert not any(item["flags"] for item in result.items)


def test_every_occurrence_of_the_answer_is_blanked():
    generator = basic.BasicGenerator([""])
    sentence = basic.Sentence(1, "Darwin sailed on the Beagle, and the Beagle carried Darwin to the Galapagos islands.", 0)
    item = generator.make_item("flashcards", sentence, basic.Term("Beagle", "name"))
    assert item["front"] == "Darwin sailed on the _____, and the _____ carried Darwin to the Galapagos islands."
    assert item["back"] == "Beagle"


def test_headings_are_not_glued_to_sentences():
    sentences = page_sentences("Lesson 4: Osmosis\nOsmosis is the movement of water across a membrane.")
    assert sentences == ["Lesson 4: Osmosis", "Osmosis is the movement of water across a membrane."]


def test_regenerate_without_a_model_gives_a_different_item_from_the_same_page():
    result = generate(text_pdf(biology_pages(6)), kind="quiz", count=4)
    old = result.items[1]
    new = regenerate_item(result.pages_text, kind="quiz", item=old, existing=result.items)
    assert new["question"] != old["question"]
    assert all(new["quote"] != other["quote"] for other in result.items)
    assert abs(new["page"] - old["page"]) <= 1
    assert new["flags"] == []


def test_regenerate_without_pages_is_a_clear_error():
    with pytest.raises(GenerationError) as caught:
        regenerate_item([], kind="flashcards", item={"front": "a", "back": "b"}, existing=[])
    assert caught.value.code == "no_text"


# --- Planning long documents ----------------------------------------------------------------


def test_chunks_cover_the_whole_document_within_the_budget():
    pages = biology_pages(300)
    chunks = plan_chunks(pages, count=30, budget=24_000, max_chunks=6)
    assert len(chunks) == 6
    assert sum(chunk.share for chunk in chunks) == 30
    assert all(len(chunk.text) <= 24_000 for chunk in chunks)
    sent = sorted(page for chunk in chunks for page in chunk.pages)
    assert sent[0] <= 5 and sent[-1] >= 295
    # Evenly: no gap between pages sent is much larger than the average.
    gaps = [b - a for a, b in zip(sent, sent[1:])]
    assert max(gaps) <= 3 * (300 / len(sent))
    for chunk in chunks:
        for page in chunk.pages:
            assert f"=== Page {page} ===" in chunk.text


def test_short_document_is_one_chunk_with_every_page():
    pages = biology_pages(3)
    (chunk,) = plan_chunks(pages, count=5, budget=24_000, max_chunks=6)
    assert chunk.pages == [1, 2, 3] and chunk.share == 5


def test_few_items_from_a_long_document_still_span_it():
    chunks = plan_chunks(biology_pages(200), count=2, budget=10_000, max_chunks=6)
    assert len(chunks) == 2 and [c.share for c in chunks] == [1, 1]
    assert chunks[0].pages[0] <= 5 and chunks[1].pages[-1] >= 190


def test_text_without_sentences_is_a_clear_error_for_the_basic_generator():
    table = "\n".join(f"{n} {n * 3} {n * 7} kg m s" for n in range(200))
    with pytest.raises(GenerationError) as caught:
        generate(text_pdf([table]), kind="quiz", count=3)
    assert caught.value.code == "no_text"
    assert "too little running text" in caught.value.message


ARABIC = (
    "الخلية هي الوحدة الأساسية للحياة في جميع الكائنات الحية المعروفة على الأرض. "
    "تحتوي النواة على المادة الوراثية التي تنتقل من جيل إلى جيل عبر الانقسام. "
    "اكتشف العالم روبرت هوك الخلايا لأول مرة في عام 1665 باستخدام المجهر. "
    "تحدث عملية البناء الضوئي داخل البلاستيدات الخضراء في خلايا النباتات الخضراء."
)


def test_basic_generator_on_arabic_text():
    """PDFs with Arabic text need embedded fonts the test builder does not write; the
    generator itself works on the extracted text."""
    items = basic.generate([ARABIC], kind="quiz", count=3)
    assert len(items) == 3
    index = PageIndex([ARABIC])
    for item in items:
        assert BLANK in item["question"]
        assert item["question"].replace(BLANK, item["options"][item["correct"]]) == item["quote"]
        assert index.quote_on_page(item["quote"], 1)
    assert detect_language(ARABIC) == "ar"


def test_basic_generator_finds_no_sentences_in_unspaced_scripts():
    """A known gap: Chinese and Japanese have no spaces between words, so the basic generator
    finds no sentence to blank; generation ends in the "too little running text" message."""
    assert basic.generate(["细胞是生命的基本单位。细胞膜控制物质的进出。" * 20], kind="quiz", count=3) == []
