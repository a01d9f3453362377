"""Profile photos: every upload is checked by Pillow and re-encoded before it is stored.

Re-encoding to a small JPEG square drops whatever else the file carried (EXIF with GPS,
polyglot payloads, animation) and gives every avatar the same size on disk.
"""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


@dataclass(frozen=True)
class CheckedPhoto:
    """An upload whose header passed the checks; its pixels are not decoded yet."""

    upload: UploadedFile
    format: str
    width: int
    height: int


def inspect_photo(upload: UploadedFile) -> CheckedPhoto:
    """Check an uploaded photo from its size and header alone (no pixel is decoded), or raise
    ValidationError. Forms call this; the decode waits until the whole form is valid."""
    max_bytes = settings.PROFILE_PHOTO_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationError(
            _("This file is %(size)s; photos may be at most %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(max_bytes)},
            code="too_large",
        )
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            checked = CheckedPhoto(upload, image.format, image.width, image.height)
    except Image.DecompressionBombError:
        raise _bomb_error(settings.PROFILE_PHOTO_MAX_PIXELS) from None
    except Exception:  # Pillow raises many kinds (OSError, SyntaxError, ValueError…) for junk
        raise _unreadable() from None
    if checked.format not in ALLOWED_FORMATS:
        raise ValidationError(_("Upload a JPEG, PNG, GIF or WebP image."), code="invalid_format")
    budget = pixel_budget(checked.format)
    if checked.width * checked.height > budget:
        raise _bomb_error(budget)
    return checked


def pixel_budget(image_format: str) -> int:
    """How many pixels a photo of this format may have. A JPEG is decoded at a reduced scale
    (1/2 to 1/8, by ``Image.draft``), so a 40 MP camera picture costs a few MB; other formats
    decode whole (4 bytes a pixel), so they get the smaller budget: 4 MP is twice what a
    320 px avatar cut from a phone photo needs, and at most 16 MB to decode."""
    if image_format == "JPEG":
        return settings.PROFILE_PHOTO_MAX_PIXELS
    return settings.PROFILE_PHOTO_MAX_DECODED_PIXELS


def reencode(photo: CheckedPhoto) -> ContentFile:
    """Decode the checked photo (bounded: see ``pixel_budget``) into the stored square JPEG.
    Raises ValidationError when the pixels turn out to be damaged."""
    size = settings.PROFILE_PHOTO_SIZE
    photo.upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(photo.upload) as image:
                if (image.format, image.width, image.height) != (photo.format, photo.width, photo.height):
                    raise _unreadable()  # not the file that was checked
                if image.format == "JPEG":
                    image.draft("RGB", (2 * size, 2 * size))  # decode at the smallest scale that will do
                image.load()
                square = _square_rgb(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _bomb_error(pixel_budget(photo.format)) from None
    except ValidationError:
        raise
    except Exception:
        raise _unreadable() from None
    out = io.BytesIO()
    square.save(out, format="JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name="photo.jpg")


def photo_from_upload(upload: UploadedFile) -> ContentFile:
    """Check and re-encode in one go (for code that has no form around the photo)."""
    return reencode(inspect_photo(upload))


def _unreadable() -> ValidationError:
    return ValidationError(
        _("This file is not an image we can read. Upload a JPEG, PNG, GIF or WebP image."),
        code="invalid_image",
    )


def _square_rgb(image: Image.Image) -> Image.Image:
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    else:
        image = image.convert("RGB")
    size = settings.PROFILE_PHOTO_SIZE
    return ImageOps.fit(image, (size, size), method=Image.Resampling.LANCZOS)


def _bomb_error(budget: int) -> ValidationError:
    return ValidationError(
        _("This image is too large in pixels (at most %(max)s million); upload a smaller one.")
        % {"max": budget // 1_000_000},
        code="too_many_pixels",
    )
