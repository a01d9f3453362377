import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile

from accounts.photos import inspect_photo, photo_from_upload, reencode

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


def test_a_115_kb_png_of_6300_squared_is_refused_from_its_header(monkeypatch):
    """The security sweep's sign-up photo: 40 Mpx of PNG would cost ~1 s and +450 MB to decode."""
    decodes = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decodes.append(self) or None)
    with pytest.raises(ValidationError) as error:
        inspect_photo(SimpleUploadedFile("big.png", png_header_bomb(6300, 6300), content_type="image/png"))
    assert error.value.code == "too_many_pixels"
    assert "at most 4 million" in error.value.messages[0]
    assert decodes == []


def test_a_big_camera_jpeg_is_decoded_at_a_reduced_scale(monkeypatch):
    upload = image_upload("camera.jpg", "JPEG", size=(4000, 3000))  # a 12 Mpx phone picture
    checked = inspect_photo(upload)
    loaded_sizes = []
    real_load = ImageFile.ImageFile.load

    def load(self):
        loaded_sizes.append(self.size)
        return real_load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    square = decoded(reencode(checked))
    assert square.size == (320, 320)
    assert loaded_sizes and max(w * h for w, h in loaded_sizes) <= 1000 * 750  # 1/4 scale, not 12 Mpx


def test_a_file_swapped_after_the_check_is_refused():
    checked = inspect_photo(image_upload("a.png", "PNG", size=(64, 48)))
    swapped = type(checked)(image_upload("b.png", "PNG", size=(640, 480)), "PNG", 64, 48)
    with pytest.raises(ValidationError):
        reencode(swapped)
