"""A material's type is decided by its bytes; names are shown, never used as paths."""

import pytest
from django.core.exceptions import ValidationError

from accounts.tests.images import png_header_bomb
from courses.uploads import inspect_upload, safe_display_name

from .files import EXE, HTML, SAMPLES, SVG_WITH_SCRIPT, upload

LIMIT = 10 * 1024 * 1024


@pytest.mark.parametrize("key", SAMPLES)
def test_real_documents_images_and_video_are_recognised(key):
    name, make = SAMPLES[key]
    inspected = inspect_upload(upload(name, make()), max_bytes=LIMIT)
    assert inspected.format.content_type.startswith(
        {"pdf": "application/pdf", "docx": "application/vnd.openxml", "png": "image/png",
         "jpeg": "image/jpeg", "mp4": "video/mp4", "text": "text/plain"}[key]
    )
    assert inspected.name == name


@pytest.mark.parametrize(
    "name,content,code",
    [
        ("syllabus.pdf", EXE, "dangerous"),
        ("drawing.svg", SVG_WITH_SCRIPT, "active_content"),
        ("drawing.png", SVG_WITH_SCRIPT, "active_content"),
        ("page.txt", HTML, "active_content"),
        ("notes.png", SAMPLES["pdf"][1](), "extension_mismatch"),
        ("notes", SAMPLES["pdf"][1](), "extension_mismatch"),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "bad_image"),
        ("bomb.png", png_header_bomb(20000, 20000), "image_too_large"),
        ("binary.pdf", bytes(range(256)) * 4, "unknown_type"),
        ("fake.docx", b"PK\x03\x04" + b"\x00" * 100, "unknown_type"),
        ("empty.pdf", b"", "empty"),
    ],
    ids=["exe-renamed-pdf", "svg-script", "svg-renamed-png", "html-as-txt", "pdf-named-png",
         "no-extension", "broken-png", "pixel-bomb", "binary-junk", "broken-zip", "empty"],
)
def test_tricks_and_junk_are_refused_with_a_reason(name, content, code):
    with pytest.raises(ValidationError) as error:
        inspect_upload(upload(name, content), max_bytes=LIMIT)
    assert error.value.code == code
    assert error.value.messages[0]  # a sentence a teacher can read


def test_size_limit_is_checked_before_the_content():
    with pytest.raises(ValidationError) as error:
        inspect_upload(upload("big.pdf", SAMPLES["pdf"][1]()), max_bytes=100)
    assert error.value.code == "too_large"
    assert "100" in error.value.messages[0]


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\win.pdf", "a/b.pdf", "..", "x\x00.pdf", ""])
def test_path_tricks_in_names_are_refused(name):
    with pytest.raises(ValidationError) as error:
        safe_display_name(name)
    assert error.value.code == "bad_name"


def test_names_keep_unicode_and_lose_control_characters():
    assert safe_display_name("  Résumé\u200b du cours..pdf ") == "Résumé du cours..pdf"
    assert len(safe_display_name("a" * 400 + ".pdf")) == 200
    assert safe_display_name("a" * 400 + ".pdf").endswith(".pdf")
