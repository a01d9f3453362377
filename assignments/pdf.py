"""Text of a teacher's PDF, page by page, and the language it is written in.

Pure functions over bytes (pypdf does the parsing); the failures a teacher can meet — encrypted,
damaged, image-only or oversized files — end in ``PdfError`` with a code the generation module
turns into a message.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from collections import Counter

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PyPdfError

# A document needs this many letters in all before it is worth asking questions about: fewer is
# a scan, a title page or a picture book, and the model would invent the rest.
MIN_LETTERS = 200

# Ligatures that pypdf hands back as single code points ("ﬁ" in "ﬁlled"): spelled out, so the
# model sees words and quotes them as words.
LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

logger = logging.getLogger(__name__)


class PdfError(Exception):
    """A PDF we cannot take text from; ``code`` is one of encrypted, corrupt, no_text, too_large."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def extract_pages(pdf_bytes: bytes, *, max_bytes: int, max_pages: int) -> list[str]:
    """The text of every page, in order (index 0 is page 1); empty strings for pages with none.

    Raises PdfError: too_large (bytes or pages over the limits), encrypted (a password other
    than the empty one is needed), corrupt (not a PDF, truncated past repair, unreadable), and
    no_text (no page has enough text: a scan or images only).
    """
    if len(pdf_bytes) > max_bytes:
        raise PdfError("too_large", f"{len(pdf_bytes)} bytes > {max_bytes}")
    # The header may follow a little junk (some mailers prepend bytes); anything else is not a PDF.
    if b"%PDF-" not in pdf_bytes[:1024]:
        raise PdfError("corrupt", "no %PDF- header")
    try:
        reader = PdfReader(io.BytesIO(pdf_bytes), strict=False)
        if reader.is_encrypted:
            # Many "protected" PDFs only restrict printing or copying, with an empty user
            # password: those open with "".
            try:
                opened = reader.decrypt("")
            except (FileNotDecryptedError, NotImplementedError, PyPdfError) as exc:
                raise PdfError("encrypted", str(exc)) from exc
            if not opened:
                raise PdfError("encrypted", "a password is needed")
        page_count = len(reader.pages)
    except PdfError:
        raise
    except FileNotDecryptedError as exc:
        raise PdfError("encrypted", str(exc)) from exc
    except Exception as exc:  # pypdf raises many types on damaged files; all mean the same here
        raise PdfError("corrupt", f"{type(exc).__name__}: {exc}") from exc
    if page_count == 0:
        raise PdfError("corrupt", "no pages")
    if page_count > max_pages:
        raise PdfError("too_large", f"{page_count} pages > {max_pages}")

    pages: list[str] = []
    failures = 0
    for number in range(page_count):
        try:
            text = reader.pages[number].extract_text() or ""
        except FileNotDecryptedError as exc:
            raise PdfError("encrypted", str(exc)) from exc
        except Exception as exc:  # noqa: BLE001 — one damaged page costs that page, not the document
            logger.info("page %s of a PDF could not be read: %s", number + 1, exc)
            failures += 1
            text = ""
        pages.append(clean_page_text(text))
    if failures == page_count:
        raise PdfError("corrupt", "no page could be read")
    if sum(ch.isalpha() for page in pages for ch in page) < MIN_LETTERS:
        raise PdfError("no_text", "too few letters")
    return pages


def clean_page_text(text: str) -> str:
    """Extracted text made readable without changing what a quote may match: NFC, ligatures
    spelled out, control characters dropped, trailing spaces trimmed."""
    text = unicodedata.normalize("NFC", text).translate(LIGATURES)
    text = CONTROL.sub("", text)
    return "\n".join(line.rstrip() for line in text.splitlines()).strip()


# --- Language -------------------------------------------------------------------------------
# Cheap and good enough to tell the model which language to write in: scripts first (Arabic,
# Cyrillic, Greek, Hebrew, CJK), then counts of each Latin-script language's commonest words.

STOPWORDS = {
    "en": "the of and to in is that for it as was with on are be by this which or from at an not have has were their",
    "de": "der die und das ist nicht ein eine zu den mit von sich des auf für im dem auch es werden wird bei oder",
    "fr": "le la les et des est une un du que dans pour pas sur qui au avec ce sont par plus il elle aux ou",
    "es": "el la los las de que y en un una es por con para del se su al como más pero lo son fue está",
    "it": "il la di che e un una per non sono del della con gli le si è da al nel alla anche come dei",
    "pt": "o a os as de que e do da em um uma para com não por se na no mais dos das como foi são",
    "nl": "de het een en van is dat niet op te zijn met voor in die er aan ook als bij door worden wordt",
    "pl": "i w na nie z się do to że jest o jak po co ale od za przez dla są tak jego lub",
    "sv": "och att det som en på är av för med den till inte har de om ett var men från också",
}
STOPWORD_SETS = {lang: set(words.split()) for lang, words in STOPWORDS.items()}

LANGUAGE_NAMES = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "pl": "Polish", "sv": "Swedish", "ar": "Arabic",
    "fa": "Persian", "ru": "Russian", "uk": "Ukrainian", "el": "Greek", "he": "Hebrew",
    "zh": "Chinese", "ja": "Japanese", "ko": "Korean",
}
UNDETERMINED = "und"  # BCP 47 for "could not tell"
SAMPLE_CHARS = 60_000
WORD = re.compile(r"[^\W\d_]+")


def _script(ch: str) -> str | None:
    code = ord(ch)
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
        return "arabic"
    if 0x0400 <= code <= 0x04FF:
        return "cyrillic"
    if 0x0370 <= code <= 0x03FF:
        return "greek"
    if 0x0590 <= code <= 0x05FF:
        return "hebrew"
    if 0x3040 <= code <= 0x30FF:
        return "kana"
    if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF:
        return "hangul"
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF:
        return "han"
    if ch.isalpha():
        return "latin"  # and the rest of the alphabetic world, treated alike
    return None


def sample_text(pages: list[str], limit: int = SAMPLE_CHARS) -> str:
    """Up to ``limit`` characters taken evenly from across the document (not just its start,
    which is often a title page in another language)."""
    nonempty = [page for page in pages if page.strip()]
    share = 2000
    room = max(1, limit // share)
    if len(nonempty) > room:
        nonempty = [nonempty[i * len(nonempty) // room] for i in range(room)]
    return "\n".join(page[:share] for page in nonempty)


def detect_language(text: str) -> str:
    """An ISO 639-1 code for the text's language, or "und" when it cannot be told."""
    scripts = Counter(s for s in map(_script, text) if s)
    if not scripts:
        return UNDETERMINED
    letters = sum(scripts.values())
    if scripts["kana"] > 0.05 * letters:
        return "ja"
    if scripts["hangul"] > 0.2 * letters:
        return "ko"
    if scripts["han"] > 0.3 * letters:
        return "zh"
    for script, default in (("arabic", "ar"), ("cyrillic", "ru"), ("greek", "el"), ("hebrew", "he")):
        if scripts[script] > 0.4 * letters:
            if script == "arabic" and re.search("[پچژگی]", text):
                return "fa"
            if script == "cyrillic" and re.search("[іїєґ]", text.lower()):
                return "uk"
            return default
    words = Counter(WORD.findall(text.lower()))
    scores = {
        lang: sum(words[w] for w in stopwords) for lang, stopwords in STOPWORD_SETS.items()
    }
    best = max(scores, key=scores.get)
    total_words = sum(words.values())
    if scores[best] == 0 or scores[best] < 0.05 * total_words:
        return UNDETERMINED
    return best


def language_name(code: str) -> str:
    """The English name of a language code (the model is instructed in English)."""
    return LANGUAGE_NAMES.get(code, "")
