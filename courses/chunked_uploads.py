"""Materials sent from the page in pieces: one partial file per upload, resumable at the offset
the server reports, checked by content when complete and stored like a plain upload.

Each piece is its own request of at most ``MATERIAL_UPLOAD_PIECE_BYTES``, so no request is ever
large; a dropped connection loses at most the piece in flight (a request the server never got
whole never reaches a view). State lives on disk beside the materials — ``.partial/<teacher>/``
in the materials storage, ``<id>.part`` (the bytes so far; its size is the offset) and
``<id>.json`` (what is being uploaded) — so the complete file is moved into place, not copied.
Unfinished uploads count toward ``MATERIAL_UPLOADS_PER_TEACHER`` and are deleted after
``MATERIAL_UPLOAD_EXPIRY_HOURS`` without a piece.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from . import uploads
from .models import material_storage

logger = logging.getLogger(__name__)

COPY_BLOCK = 256 * 1024


class UploadRefused(Exception):
    """A request about a partial upload that cannot be honoured; ``status`` for the answer."""

    def __init__(self, message: str, *, status: int, offset: int | None = None):
        super().__init__(message)
        self.status, self.offset = status, offset


def root() -> Path:
    return Path(material_storage().location) / ".partial"


@dataclass
class PartialUpload:
    id: str
    teacher_id: int
    course_id: int
    name: str  # as safe_display_name made it; never a path
    size: int
    title: str
    fingerprint: str  # the page's name/size/date of the file, to find the upload again
    material_id: int | None = None  # once complete

    @property
    def folder(self) -> Path:
        return root() / str(self.teacher_id)

    @property
    def part_path(self) -> Path:
        return self.folder / f"{self.id}.part"

    @property
    def meta_path(self) -> Path:
        return self.folder / f"{self.id}.json"

    @property
    def received(self) -> int:
        if self.material_id is not None:
            return self.size
        try:
            return self.part_path.stat().st_size
        except FileNotFoundError:
            return 0

    def save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.meta_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(self)))
        temporary.replace(self.meta_path)


def _load(path: Path) -> PartialUpload | None:
    try:
        return PartialUpload(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        return None


def _teacher_uploads(teacher_id: int) -> list[PartialUpload]:
    folder = root() / str(teacher_id)
    found = (_load(path) for path in folder.glob("*.json")) if folder.is_dir() else ()
    return [upload for upload in found if upload is not None]


def find(*, course, teacher, upload_id) -> PartialUpload | None:
    """The teacher's upload to this course with this id, or None (someone else's is None too)."""
    upload = _load(root() / str(teacher.pk) / f"{uuid.UUID(str(upload_id))}.json")
    if upload is None or upload.course_id != course.pk or upload.teacher_id != teacher.pk:
        return None
    return upload


def start(*, course, teacher, name: str, size: int, title: str, fingerprint: str) -> PartialUpload:
    """A new upload, or the unfinished one of the same file (resumed). Raises ValidationError
    for a file that cannot be accepted whatever its content, UploadRefused past the limit."""
    remove_expired()
    name = uploads.safe_display_name(name)
    limit = settings.MATERIAL_MAX_UPLOAD_BYTES
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if size <= 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if PurePosixPath(name).suffix.lower() not in uploads.ACCEPTED_EXTENSIONS:
        raise ValidationError(
            _("This type of file is not accepted. Accepted: %(list)s.")
            % {"list": ", ".join(uploads.ACCEPTED_EXTENSIONS)},
            code="unknown_type",
        )
    unfinished = [upload for upload in _teacher_uploads(teacher.pk) if upload.material_id is None]
    for upload in unfinished:
        if (upload.course_id, upload.fingerprint, upload.name, upload.size) == (course.pk, fingerprint, name, size):
            if upload.title != title:
                upload.title = title
                upload.save()
            return upload
    if len(unfinished) >= settings.MATERIAL_UPLOADS_PER_TEACHER:
        raise UploadRefused(
            _("You have %(count)s unfinished uploads. Finish one (choose the same file again) or "
              "wait until they expire, %(hours)s hours after their last piece.")
            % {"count": len(unfinished), "hours": settings.MATERIAL_UPLOAD_EXPIRY_HOURS},
            status=429,
        )
    upload = PartialUpload(
        id=str(uuid.uuid4()), teacher_id=teacher.pk, course_id=course.pk, name=name, size=size,
        title=title, fingerprint=fingerprint[:300],
    )
    upload.save()
    upload.part_path.touch()
    return upload


def append(upload: PartialUpload, *, offset: int, stream, declared: int | None) -> int:
    """Write one piece at ``offset`` (which must be where the file ends); returns the new end.
    Raises ValidationError (and deletes the upload) once its first bytes show a refused file."""
    if upload.material_id is not None:
        raise UploadRefused(_("This upload is already complete."), status=409, offset=upload.size)
    piece_limit = settings.MATERIAL_UPLOAD_PIECE_BYTES
    if declared is not None and declared > piece_limit:
        raise UploadRefused(_("A piece may be at most %(limit)s.") % {"limit": filesizeformat(piece_limit)}, status=413)
    try:
        part = upload.part_path.open("r+b")
    except FileNotFoundError:
        raise UploadRefused(_("This upload has expired. Please start again."), status=404) from None
    with part:
        try:
            fcntl.flock(part, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UploadRefused(_("Another piece of this upload is being written."), status=409) from None
        end = os.fstat(part.fileno()).st_size
        if offset != end:
            raise UploadRefused(_("The server has %(end)s bytes of this file.") % {"end": end}, status=409, offset=end)
        room = min(piece_limit, upload.size - end)
        part.seek(end)
        written = 0
        while block := stream.read(min(COPY_BLOCK, room + 1 - written)):
            written += len(block)
            if written > room:
                part.truncate(end)
                raise UploadRefused(_("This piece goes past the end of the file or the piece size."), status=413)
            part.write(block)
        part.flush()
        head_bytes = min(uploads.HEAD_BYTES, upload.size)
        if end < head_bytes <= end + written:  # the head is in: refuse a wrong file now, not at its end
            part.seek(0)
            try:
                uploads.check_head(part.read(head_bytes), upload.name)
            except ValidationError:
                discard(upload)
                raise
    os.utime(upload.meta_path)  # the last piece's time, for the expiry
    return end + written


class CompletedUpload(UploadedFile):
    """The whole partial file, for the upload form's checks; storage moves it into place."""

    def __init__(self, upload: PartialUpload):
        super().__init__(
            file=upload.part_path.open("rb"), name=upload.name, content_type=None, size=upload.size
        )
        self.path = upload.part_path

    def temporary_file_path(self) -> str:
        return str(self.path)


def completed_file(upload: PartialUpload) -> CompletedUpload:
    return CompletedUpload(upload)


def mark_complete(upload: PartialUpload, *, material_id: int) -> None:
    """Remember the material, so that a page asking again (its answer lost) is told where it is."""
    upload.material_id = material_id
    upload.save()
    upload.part_path.unlink(missing_ok=True)


def discard(upload: PartialUpload) -> None:
    upload.part_path.unlink(missing_ok=True)
    upload.meta_path.unlink(missing_ok=True)


def remove_expired(now: float | None = None) -> int:
    """Delete uploads (unfinished or answered) with no piece for the expiry time; returns how many."""
    cutoff = (now or time.time()) - settings.MATERIAL_UPLOAD_EXPIRY_HOURS * 3600
    removed = 0
    for meta in root().glob("*/*.json"):
        try:
            if meta.stat().st_mtime >= cutoff:
                continue
        except FileNotFoundError:
            continue
        meta.with_suffix(".part").unlink(missing_ok=True)
        meta.unlink(missing_ok=True)
        removed += 1
    return removed
