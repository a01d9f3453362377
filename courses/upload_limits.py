"""Keeping a material upload within the size limit, before and while its body is read."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from elearning.parsing import parse_id


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops storing an upload once it passes the limit (for requests without a Content-Length)."""

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def new_file(self, *args, **kwargs):
        self.received = 0
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def declared_length(request) -> int:
    """The body length the client declared (0 when absent or not a plain number)."""
    return parse_id(request.META.get("CONTENT_LENGTH"), default=0)


def declared_too_large(request, limit: int) -> bool:
    """Whether the declared body is over ``limit`` plus room for the form's other fields."""
    return declared_length(request) > limit + settings.REQUEST_BODY_MARGIN


def limit_upload(request, limit: int) -> None:
    """Install the handler that stops storing past ``limit``; sets ``request.upload_too_large``.
    Must run before anything reads ``request.POST`` (CSRF included)."""
    request.upload_handlers.insert(0, SizeLimitUploadHandler(request, limit))


def upload_too_large(request) -> bool:
    return getattr(request, "upload_too_large", False)
