"""What an uploaded material really is, decided from its bytes, never from its name or header.

A file is accepted only when its content is one of the formats below *and* its name's extension
belongs to that format, so an ``.exe`` renamed ``.pdf`` or an HTML page renamed ``.png`` is refused.
Formats a browser would run as active content (HTML, SVG, XML, scripts) are never accepted: the
download view serves files with the type decided here.
"""

from __future__ import annotations

import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, UnidentifiedImageError

from .models import CourseMaterial

Kind = CourseMaterial.Kind
HEAD_BYTES = 8192  # enough for every signature and text sniff below
MAX_IMAGE_PIXELS = 80_000_000


@dataclass(frozen=True)
class Format:
    label: str
    content_type: str
    kind: str
    extensions: tuple[str, ...]


FORMATS = {
    "pdf": Format("PDF", "application/pdf", Kind.DOCUMENT, (".pdf",)),
    "docx": Format(
        "Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Kind.DOCUMENT, (".docx",),
    ),
    "xlsx": Format(
        "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Kind.DOCUMENT, (".xlsx",),
    ),
    "pptx": Format(
        "PowerPoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        Kind.DOCUMENT, (".pptx",),
    ),
    "odt": Format("OpenDocument text", "application/vnd.oasis.opendocument.text", Kind.DOCUMENT, (".odt",)),
    "ods": Format(
        "OpenDocument spreadsheet", "application/vnd.oasis.opendocument.spreadsheet", Kind.DOCUMENT, (".ods",)
    ),
    "odp": Format(
        "OpenDocument presentation", "application/vnd.oasis.opendocument.presentation", Kind.DOCUMENT, (".odp",)
    ),
    "text": Format(gettext_lazy("plain text"), "text/plain; charset=utf-8", Kind.DOCUMENT, (".txt", ".md", ".csv")),
    "png": Format("PNG", "image/png", Kind.IMAGE, (".png",)),
    "jpeg": Format("JPEG", "image/jpeg", Kind.IMAGE, (".jpg", ".jpeg")),
    "gif": Format("GIF", "image/gif", Kind.IMAGE, (".gif",)),
    "webp": Format("WebP", "image/webp", Kind.IMAGE, (".webp",)),
    "mp3": Format("MP3", "audio/mpeg", Kind.AUDIO, (".mp3",)),
    "wav": Format("WAV", "audio/wav", Kind.AUDIO, (".wav",)),
    "ogg": Format("Ogg", "audio/ogg", Kind.AUDIO, (".ogg", ".oga", ".opus")),
    "mp4": Format("MP4", "video/mp4", Kind.VIDEO, (".mp4", ".m4v")),
    "mov": Format("QuickTime", "video/quicktime", Kind.VIDEO, (".mov",)),
    "webm": Format("WebM", "video/webm", Kind.VIDEO, (".webm",)),
}
ACCEPTED_EXTENSIONS = sorted({ext for fmt in FORMATS.values() for ext in fmt.extensions})

# Recognised but refused, so the teacher hears why rather than "unknown type".
DANGEROUS = [
    (b"MZ", gettext_lazy("a Windows program")),
    (b"\x7fELF", gettext_lazy("a program")),
    (b"#!", gettext_lazy("a script")),
]
ACTIVE_TEXT = ("<svg", "<!doctype html", "<html", "<script", "<?xml")


@dataclass(frozen=True)
class InspectedUpload:
    name: str  # safe to show; never used as a path
    format: Format
    size: int


def safe_display_name(raw: str) -> str:
    """The uploaded file's name as we will show it, or a ValidationError if it is a path trick."""
    name = unicodedata.normalize("NFC", raw or "").strip()
    if not name or name in {".", ".."} or any(sep in name for sep in ("/", "\\", "\x00")):
        raise ValidationError(
            _("The file name must be a plain name, without folders or “..”."), code="bad_name"
        )
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    if len(name) > 200:
        stem, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix[:20]
        name = stem[: 200 - len(suffix)] + suffix
    return name


def _sniff(head: bytes, upload: UploadedFile) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    if head[4:8] == b"ftyp":
        return "mov" if head[8:10] == b"qt" else "mp4"
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(upload)
    return _sniff_text(head)


def _sniff_zip(upload: UploadedFile) -> str | None:
    """Office files are ZIP archives; tell which by their parts (central directory only)."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                for key in ("odt", "ods", "odp"):
                    if FORMATS[key].content_type == mimetype:
                        return key
            if "[Content_Types].xml" in names:
                for key, folder in (("docx", "word/"), ("xlsx", "xl/"), ("pptx", "ppt/")):
                    if any(name.startswith(folder) for name in names):
                        return key
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    return None


def _sniff_text(head: bytes) -> str | None:
    if b"\x00" in head:
        return None
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # a multi-byte character cut at the end is fine
            return None
        text = head[: error.start].decode("utf-8-sig")
    lowered = text.lstrip().lower()
    if any(marker in lowered for marker in ACTIVE_TEXT):
        return "active"
    return "text"


def _verify_image(upload: UploadedFile) -> None:
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValidationError(_("This image is too large in pixels."), code="image_too_large")
            image.verify()
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise ValidationError(_("This image is too large in pixels."), code="image_too_large") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("This image is damaged or not really an image."), code="bad_image") from None


def _refuse_dangerous(head: bytes) -> None:
    for signature, what in DANGEROUS:
        if head.startswith(signature):
            raise ValidationError(
                _("This file is %(what)s, not a document, image or video; it cannot be shared.") % {"what": what},
                code="dangerous",
            )


def _format_named(key: str | None, name: str) -> Format:
    """The format sniffed, if it is accepted and the name's extension belongs to it."""
    if key == "active":
        raise ValidationError(
            _("Web pages, SVG drawings and XML files can carry scripts and are not accepted. "
              "Export it as PDF or PNG instead."),
            code="active_content",
        )
    if key is None:
        raise ValidationError(
            _("This type of file is not accepted. Accepted: %(list)s.") % {"list": ", ".join(ACCEPTED_EXTENSIONS)},
            code="unknown_type",
        )
    fmt = FORMATS[key]
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in fmt.extensions:
        raise ValidationError(
            _("The file is named “%(suffix)s” but its content is %(label)s. Rename it to %(expected)s or upload the right file.")
            % {"suffix": suffix or _("(no extension)"), "label": fmt.label, "expected": fmt.extensions[0]},
            code="extension_mismatch",
        )
    return fmt


def check_head(head: bytes, name: str) -> None:
    """The checks the first HEAD_BYTES of a file allow (a file sent in pieces is refused after
    its first one, not after all of them); ZIP-based formats are told apart only when whole."""
    _refuse_dangerous(head)
    if not head.startswith(b"PK\x03\x04"):
        _format_named(_sniff(head, None), name)


def inspect_upload(upload: UploadedFile, *, max_bytes: int) -> InspectedUpload:
    """Check a material upload: name, size and type by content. Raises ValidationError."""
    name = safe_display_name(upload.name)
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    _refuse_dangerous(head)
    key = _sniff(head, upload)
    upload.seek(0)
    fmt = _format_named(key, name)
    if fmt.kind == Kind.IMAGE:
        _verify_image(upload)
        upload.seek(0)
    return InspectedUpload(name=name, format=fmt, size=upload.size)
