import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.photos import photo_from_upload

from .images import image_bytes, image_upload, png_header_bomb


def decoded(content_file) -> Image.Image:
    image = Image.open(io.BytesIO(content_file.read()))
    image.load()
    return image


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_every_allowed_format_becomes_a_square_jpeg(fmt):
    photo = photo_from_upload(image_upload(f"x.{fmt.lower()}", fmt, size=(400, 200)))
    image = decoded(photo)
    assert image.format == "JPEG"
    assert image.size == (320, 320)


def test_transparent_png_is_put_on_white():
    photo = photo_from_upload(image_upload(mode="RGBA", color=(0, 0, 0, 0)))
    assert decoded(photo).getpixel((10, 10)) == pytest.approx((255, 255, 255), abs=2)


def test_exif_and_other_metadata_are_dropped():
    exif = Image.Exif()
    exif[0x010E] = "secret description"  # ImageDescription
    photo = photo_from_upload(image_upload("e.jpg", "JPEG", exif=exif.tobytes()))
    assert b"secret description" not in photo.read()


@pytest.mark.parametrize(
    "payload",
    [b"not an image at all", b"%PDF-1.4\n1 0 obj<<>>endobj", image_bytes("PNG")[:40], b""],
    ids=["text", "pdf", "truncated-png", "empty"],
)
def test_files_that_are_not_images_are_refused(payload):
    with pytest.raises(ValidationError) as error:
        photo_from_upload(SimpleUploadedFile("photo.png", payload, content_type="image/png"))
    assert error.value.code == "invalid_image"


def test_other_image_formats_are_refused():
    with pytest.raises(ValidationError) as error:
        photo_from_upload(image_upload("x.bmp", "BMP"))
    assert error.value.code == "invalid_format"


@pytest.mark.parametrize("side", [7_000, 10_000, 30_000], ids=["49Mpx", "100Mpx", "900Mpx"])
def test_decompression_bombs_are_refused_from_the_header(side):
    bomb = SimpleUploadedFile("bomb.png", png_header_bomb(side, side), content_type="image/png")
    with pytest.raises(ValidationError) as error:
        photo_from_upload(bomb)
    assert error.value.code == "too_many_pixels"


def test_files_over_the_size_limit_are_refused_before_decoding(settings):
    settings.PROFILE_PHOTO_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as error:
        photo_from_upload(SimpleUploadedFile("big.png", b"\0" * 2000, content_type="image/png"))
    assert error.value.code == "too_large"
    assert "photos may be at most 1000" in error.value.messages[0]
