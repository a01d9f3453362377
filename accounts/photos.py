"""Profile photos: every upload is checked by Pillow and re-encoded before it is stored.

Re-encoding to a small JPEG square drops whatever else the file carried (EXIF with GPS,
polyglot payloads, animation) and gives every avatar the same size on disk.
"""

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


def photo_from_upload(upload) -> ContentFile:
    """Return the re-encoded photo for an uploaded file, or raise ValidationError."""
    max_bytes = settings.PROFILE_PHOTO_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationError(
            _("This file is %(size)s; photos may be at most %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(max_bytes)},
            code="too_large",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.format not in ALLOWED_FORMATS:
                    raise ValidationError(
                        _("Upload a JPEG, PNG, GIF or WebP image."), code="invalid_format"
                    )
                # Checked from the header, before a single pixel is decoded.
                if image.width * image.height > settings.PROFILE_PHOTO_MAX_PIXELS:
                    raise _bomb_error()
                image.load()
                square = _square_rgb(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _bomb_error() from None
    except ValidationError:
        raise
    except Exception:  # Pillow raises many kinds (OSError, SyntaxError, ValueError…) for junk
        raise ValidationError(
            _("This file is not an image we can read. Upload a JPEG, PNG, GIF or WebP image."),
            code="invalid_image",
        ) from None
    out = io.BytesIO()
    square.save(out, format="JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name="photo.jpg")


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


def _bomb_error() -> ValidationError:
    return ValidationError(
        _("This image is too large in pixels (at most %(max)s million); upload a smaller one.")
        % {"max": settings.PROFILE_PHOTO_MAX_PIXELS // 1_000_000},
        code="too_many_pixels",
    )
