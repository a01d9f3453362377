"""Sending a material file: streamed in blocks, or handed to nginx, always with safe headers."""

from __future__ import annotations

from urllib.parse import quote

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from .models import CourseMaterial

BLOCK_SIZE = 256 * 1024


def material_response(request, material: CourseMaterial, *, inline: bool) -> HttpResponse:
    """The file of ``material`` (access already checked), as an attachment unless ``inline``."""
    if settings.MATERIALS_ACCEL_REDIRECT:
        return _accel_redirect(material, inline)
    try:
        handle = material.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("This file is missing on the server; ask the teacher to upload it again.")) from None
    response = FileResponse(
        handle, as_attachment=not inline, filename=material.original_name, content_type=material.content_type
    )
    if isinstance(request, ASGIRequest):
        # Under ASGI Django would read a file iterator whole into a list before sending it;
        # an async iterator makes it go out block by block.
        response.streaming_content = _read_in_blocks(handle)
    else:
        response.block_size = BLOCK_SIZE
    return _protect(response)


async def _read_in_blocks(handle):
    read = sync_to_async(handle.read, thread_sensitive=False)
    try:
        while block := await read(BLOCK_SIZE):
            yield block
    finally:
        await sync_to_async(handle.close, thread_sensitive=False)()


def _protect(response):
    response["X-Content-Type-Options"] = "nosniff"
    # Defence in depth: even if a browser rendered the file, it could run nothing.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _accel_redirect(material: CourseMaterial, inline: bool) -> HttpResponse:
    """Hand the sending to nginx (an ``internal`` location on MATERIALS_ROOT) once access is
    checked: it streams with the client's pace, which Daphne cannot (it buffers for slow clients)."""
    response = HttpResponse(content_type=material.content_type)
    response["X-Accel-Redirect"] = settings.MATERIALS_ACCEL_REDIRECT + quote(material.file.name)
    response["Content-Disposition"] = content_disposition_header(not inline, material.original_name)
    return _protect(response)
