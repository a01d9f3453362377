"""The upload page's pieces: start (or resume) an upload, ask where it is, send a piece, cancel.

JSON in and out, for courses/static/courses/js/upload.js. Only the course's teacher gets past
``course_or_deny``, before a byte of a piece is read; the finished file goes through the same
form check and service as the plain upload (``views.material_upload``).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from elearning.parsing import parse_id

from . import chunked_uploads, permissions, services, upload_limits
from .access import course_or_deny
from .forms import MaterialForm


class UploadStartForm(forms.Form):
    name = forms.CharField(max_length=1000)
    size = forms.IntegerField(min_value=0)
    title = forms.CharField(max_length=200, required=False)
    fingerprint = forms.CharField(max_length=300, required=False)


def _errors(field_errors: dict[str, list[str]], status: int) -> JsonResponse:
    return JsonResponse({"errors": field_errors}, status=status)


def _state(course, upload) -> dict:
    state = {
        "id": upload.id,
        "url": reverse("courses:material_upload_piece", args=[course.pk, upload.id]),
        "cancel": reverse("courses:material_upload_cancel", args=[course.pk, upload.id]),
        "offset": upload.received,
        "size": upload.size,
        "piece": settings.MATERIAL_UPLOAD_PIECE_BYTES,
    }
    if upload.material_id is not None:
        state["redirect"] = reverse("courses:detail", args=[course.pk]) + "#materials"
    return state


def _upload_or_404(request, course, upload_id):
    upload = chunked_uploads.find(course=course, teacher=request.user, upload_id=upload_id)
    if upload is None:
        raise chunked_uploads.UploadRefused(_("This upload does not exist or has expired."), status=404)
    return upload


@require_POST
@login_required
def upload_start(request, pk: int):
    course = course_or_deny(request.user, pk, permissions.can_manage_materials)
    form = UploadStartForm(request.POST)
    if not form.is_valid():
        return _errors({"file": [_("The page sent an incomplete request. Please reload it.")]}, 400)
    data = form.cleaned_data
    try:
        upload = chunked_uploads.start(
            course=course, teacher=request.user, name=data["name"], size=data["size"],
            title=data["title"].strip(), fingerprint=data["fingerprint"],
        )
    except ValidationError as error:
        return _errors({"file": error.messages}, 413 if error.code == "too_large" else 400)
    except chunked_uploads.UploadRefused as refusal:
        return _errors({"file": [str(refusal)]}, refusal.status)
    return JsonResponse(_state(course, upload), status=201 if upload.received == 0 else 200)


@require_http_methods(["GET", "POST"])
@login_required
def upload_piece(request, pk: int, upload_id):
    """GET: where the upload stands. POST ``?offset=N`` with the piece as the body (octet-stream):
    appends it; the last piece completes the material (201) or reports why it is refused (400)."""
    course = course_or_deny(request.user, pk, permissions.can_manage_materials)
    try:
        upload = _upload_or_404(request, course, upload_id)
        if request.method == "GET":
            return JsonResponse(_state(course, upload))
        offset = parse_id(request.GET.get("offset"), default=-1)
        if offset < 0:
            return _errors({"file": [_("The page sent a piece without its offset. Please reload it.")]}, 400)
        length = upload_limits.declared_length(request) if "CONTENT_LENGTH" in request.META else None
        received = chunked_uploads.append(upload, offset=offset, stream=request, declared=length)
    except ValidationError as error:
        return _errors({"file": error.messages}, 400)
    except chunked_uploads.UploadRefused as refusal:
        body = {"errors": {"file": [str(refusal)]}}
        if refusal.offset is not None:
            body["offset"] = refusal.offset
        return JsonResponse(body, status=refusal.status)
    if received < upload.size:
        return JsonResponse({"offset": received, "size": upload.size})
    return _complete(request, course, upload)


def _complete(request, course, upload):
    limit = settings.MATERIAL_MAX_UPLOAD_BYTES
    with chunked_uploads.completed_file(upload) as file:
        form = MaterialForm({"title": upload.title}, {"file": file}, max_bytes=limit)
        if not form.is_valid():
            chunked_uploads.discard(upload)
            errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
            return _errors(errors, 400)
        try:
            material = services.material_upload(course=course, uploaded_by=request.user, **form.material())
        except services.DuplicateMaterial as duplicate:
            chunked_uploads.discard(upload)
            return _errors({"file": [str(duplicate)]}, 409)
    chunked_uploads.mark_complete(upload, material_id=material.pk)
    messages.success(request, _("“%(title)s” uploaded.") % {"title": material.title})
    return JsonResponse({**_state(course, upload), "id": material.pk}, status=201)


@require_POST
@login_required
def upload_cancel(request, pk: int, upload_id):
    course = course_or_deny(request.user, pk, permissions.can_manage_materials)
    try:
        upload = _upload_or_404(request, course, upload_id)
    except chunked_uploads.UploadRefused as refusal:
        return _errors({"file": [str(refusal)]}, refusal.status)
    if upload.material_id is None:
        chunked_uploads.discard(upload)
    return JsonResponse({"cancelled": upload.material_id is None})
