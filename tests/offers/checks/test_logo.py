"""The background logo check: every bad file is a clear failure, a good one a clean copy."""

import io
import json
import random
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from offers.checks.logo import LogoCheckResult, check_logo
from offers.requirements import get_profile
from offers.validators import inspect_logo
from tests.factories import png_bytes

PROFILE = get_profile("2018-12")
SLOT_40 = PROFILE.slot("40x40")
SLOT_90 = PROFILE.slot("90x90")
MAX_BYTES = PROFILE.logo_max_bytes
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DAMAGED = "This PNG file is damaged or incomplete. Export the logo again and upload the new file."
METADATA = (
    "This PNG carries an oversized text or colour-profile chunk; export the logo again without "
    "metadata."
)


def png_chunk(kind, payload):
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))


IEND = png_chunk(b"IEND", b"")


def chunk_kinds(data):
    kinds, position = [], len(PNG_SIGNATURE)
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kinds.append(data[position + 4 : position + 8])
        position += 12 + length
    return kinds


def with_chunk(data, chunk, before=b"IDAT"):
    """`data` with `chunk` inserted just before the first chunk of kind `before`."""
    at = data.index(before) - 4
    return data[:at] + chunk + data[at:]


def header_only_png(width, height):
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return PNG_SIGNATURE + png_chunk(b"IHDR", header) + IEND


def encoded(image, **options):
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", **options)
    return buffer.getvalue()


def grainy(mode, size=(90, 90)):
    """An image whose every pixel differs, so that a lost or shifted pixel shows."""
    bands = len(Image.new(mode, (1, 1)).getbands())
    noise = random.Random(7).randbytes(size[0] * size[1] * bands)
    return Image.frombytes(mode, size, noise)


def jpeg_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (90, 90)).save(buffer, format="JPEG")
    return buffer.getvalue()


def apng_bytes():
    frames = [Image.new("RGBA", (90, 90), color) for color in ("red", "blue", "green")]
    return encoded(frames[0], save_all=True, append_images=frames[1:])


def bad_crc_bytes():
    data = bytearray(png_bytes(90, 90))
    data[data.index(b"IDAT") + 6] ^= 0xFF
    return bytes(data)


def oversized_ztxt():
    """A small chunk that inflates to 20 MB of zeros: far past Pillow's 1 MB text limit."""
    return png_chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b"\0" * 20_000_000, 9))


def test_a_png_of_the_exact_slot_size_passes_with_what_was_read():
    data = png_bytes(90, 90)

    result = check_logo(data, SLOT_90, MAX_BYTES)

    assert (result.passed, result.code) == (True, "ok")
    assert result.message == "This logo fits the 90 × 90 slot."
    assert result.details == {
        "bytes": len(data),
        "format": "PNG",
        "width": 90,
        "height": 90,
        "mode": "RGBA",
        "frames": 1,
    }
    assert json.loads(json.dumps(result.details)) == result.details


def test_the_clean_copy_is_a_png_of_the_same_size_and_the_same_pixels():
    original = grainy("RGBA")

    clean = check_logo(encoded(original), SLOT_90, MAX_BYTES).clean_png

    with Image.open(io.BytesIO(clean)) as reopened:
        assert (reopened.format, reopened.size, reopened.mode) == ("PNG", (90, 90), "RGBA")
        assert reopened.tobytes() == original.tobytes()


def test_the_clean_copy_drops_text_chunks_and_bytes_after_iend():
    comment = png_chunk(b"tEXt", b"Comment\0<script>alert(1)</script>")
    data = with_chunk(png_bytes(90, 90), comment) + b"<?php system($_GET['c']); ?>"

    clean = check_logo(data, SLOT_90, MAX_BYTES).clean_png

    with Image.open(io.BytesIO(clean)) as reopened:
        assert "Comment" not in reopened.info
        assert "text" not in reopened.info
        assert reopened.text == {}
    assert clean.endswith(IEND)
    assert chunk_kinds(clean) == [b"IHDR", b"IDAT", b"IEND"]


def test_the_clean_copy_drops_the_colour_profile_and_exif():
    exif = Image.Exif()
    exif[0x010E] = "camera notes"  # ImageDescription
    data = encoded(Image.new("RGB", (90, 90), "teal"), icc_profile=b"x" * 500, exif=exif)
    assert b"iCCP" in data and b"eXIf" in data  # the input really carries both

    clean = check_logo(data, SLOT_90, MAX_BYTES).clean_png

    assert chunk_kinds(clean) == [b"IHDR", b"IDAT", b"IEND"]


@pytest.mark.parametrize("mode", ["RGBA", "RGB", "LA", "L"])
def test_the_clean_copy_keeps_a_mode_without_a_palette(mode):
    original = grainy(mode)

    clean = check_logo(encoded(original), SLOT_90, MAX_BYTES).clean_png

    with Image.open(io.BytesIO(clean)) as reopened:
        assert (reopened.mode, reopened.tobytes()) == (mode, original.tobytes())


def test_a_palette_logo_becomes_rgba_with_its_transparency_as_alpha():
    palette = Image.new("P", (90, 90), 1)
    palette.putpalette([255, 0, 0, 0, 0, 255])
    palette.putpixel((0, 0), 0)
    data = encoded(palette, transparency=0)

    clean = check_logo(data, SLOT_90, MAX_BYTES).clean_png

    with Image.open(io.BytesIO(clean)) as reopened:
        assert reopened.mode == "RGBA"
        assert (reopened.getpixel((0, 0)), reopened.getpixel((1, 0))) == (
            (255, 0, 0, 0),
            (0, 0, 255, 255),
        )
    assert chunk_kinds(clean) == [b"IHDR", b"IDAT", b"IEND"]


def test_a_colour_key_transparency_becomes_an_alpha_channel():
    image = Image.new("RGB", (90, 90), "white")
    image.putpixel((0, 0), (1, 2, 3))
    data = encoded(image, transparency=(1, 2, 3))

    clean = check_logo(data, SLOT_90, MAX_BYTES).clean_png

    with Image.open(io.BytesIO(clean)) as reopened:
        assert (reopened.mode, reopened.getpixel((0, 0)), reopened.getpixel((1, 0))) == (
            "RGBA",
            (1, 2, 3, 0),
            (255, 255, 255, 255),
        )


@pytest.mark.parametrize(
    ("make", "slot", "max_bytes", "code"),
    [
        (lambda: png_bytes(91, 90), SLOT_90, MAX_BYTES, "logo_wrong_size"),
        (jpeg_bytes, SLOT_90, MAX_BYTES, "logo_not_png"),
        (lambda: b'<svg xmlns="http://www.w3.org/2000/svg"/>', SLOT_90, MAX_BYTES, "logo_not_png"),
        (lambda: png_bytes(90, 90)[:60], SLOT_90, MAX_BYTES, "logo_broken"),
        (bad_crc_bytes, SLOT_90, MAX_BYTES, "logo_broken"),
        (lambda: header_only_png(100_000, 100_000), SLOT_90, MAX_BYTES, "logo_bomb"),
        (apng_bytes, SLOT_90, MAX_BYTES, "logo_animated"),
        (lambda: png_bytes(90, 90), SLOT_90, 100, "logo_too_large"),
        (lambda: with_chunk(png_bytes(90, 90), oversized_ztxt()), SLOT_90, MAX_BYTES,
         "logo_text_chunk"),
        (lambda: b"", SLOT_90, MAX_BYTES, "logo_not_png"),
    ],
    ids=[
        "wrong-size", "jpeg", "svg", "truncated", "bad-crc", "bomb", "animated", "too-large",
        "oversized-ztxt", "empty",
    ],
)  # fmt: skip
def test_a_bad_file_fails_with_its_code_and_no_clean_copy(make, slot, max_bytes, code):
    result = check_logo(make(), slot, max_bytes)

    assert (result.passed, result.code, result.clean_png) == (False, code, None)


def test_a_wrong_size_says_both_sizes_as_the_form_does():
    result = check_logo(png_bytes(91, 90), SLOT_90, MAX_BYTES)

    assert result.message == "This logo is 91 × 90 pixels; the 90 × 90 slot needs exactly 90 × 90."
    assert result.details == {
        "bytes": len(png_bytes(91, 90)),
        "format": "PNG",
        "width": 91,
        "height": 90,
        "mode": "RGBA",
        "frames": 1,
    }


def test_the_size_is_read_from_the_header_before_any_pixel_is_decoded():
    # The file has no pixel data at all: decoding it would report damage, not the size.
    result = check_logo(header_only_png(5000, 5000), SLOT_40, MAX_BYTES)

    assert result.code == "logo_wrong_size"
    assert result.message == (
        "This logo is 5000 × 5000 pixels; the 40 × 40 slot needs exactly 40 × 40."
    )


def test_a_file_that_is_not_a_png_is_told_to_be_saved_as_png():
    data = jpeg_bytes()

    result = check_logo(data, SLOT_90, MAX_BYTES)

    assert result.message == (
        "This file is not a PNG image. Save the logo as PNG and upload it again."
    )
    assert result.details == {"bytes": len(data)}


def test_a_truncated_png_is_reported_as_damaged():
    data = png_bytes(90, 90)

    result = check_logo(data[: len(data) // 2], SLOT_90, MAX_BYTES)

    assert (result.code, result.message) == ("logo_broken", DAMAGED)


@pytest.mark.parametrize("side", [100_000, 10_000], ids=["bomb-error", "bomb-warning"])
def test_a_decompression_bomb_is_refused_without_opening_it(side):
    result = check_logo(header_only_png(side, side), SLOT_90, MAX_BYTES)

    assert (result.code, result.message) == (
        "logo_bomb",
        "This image declares far more pixels than a logo has; it cannot be opened safely.",
    )


def test_an_animated_png_fails_with_its_frame_count():
    result = check_logo(apng_bytes(), SLOT_90, MAX_BYTES)

    assert result.message == "This PNG is animated (3 frames); a logo must be a single still image."
    assert result.details["frames"] == 3


def test_a_file_over_the_size_limit_fails_with_both_sizes():
    result = check_logo(png_bytes(90, 90), SLOT_90, 100)

    assert result.message.startswith("This file is ")
    assert result.message.endswith("a logo may be at most 100\xa0bytes.")
    assert result.details == {"bytes": len(png_bytes(90, 90))}


@pytest.mark.parametrize(
    "chunk",
    [
        oversized_ztxt(),
        png_chunk(b"iTXt", b"Comment\0\1\0\0\0" + zlib.compress(b"\0" * 20_000_000, 9)),
        png_chunk(b"iCCP", b"icc\0\0" + zlib.compress(b"\0" * 20_000_000, 9)),
    ],
    ids=["zTXt", "iTXt", "iCCP"],
)
@pytest.mark.parametrize("before", [b"IDAT", b"IEND"], ids=["in-header", "after-pixels"])
def test_an_oversized_metadata_chunk_has_its_own_code_and_advice(chunk, before):
    data = with_chunk(png_bytes(90, 90), chunk, before=before)

    result = check_logo(data, SLOT_90, MAX_BYTES)

    assert (result.code, result.message, result.clean_png) == ("logo_text_chunk", METADATA, None)


def test_the_form_still_calls_an_oversized_metadata_chunk_damage():
    data = with_chunk(png_bytes(90, 90), oversized_ztxt())

    with pytest.raises(ValidationError) as caught:
        inspect_logo(SimpleUploadedFile("logo.png", data), SLOT_90, MAX_BYTES)

    assert (caught.value.code, caught.value.messages) == ("logo_broken", [DAMAGED])


def test_the_form_check_leaves_the_upload_open_at_its_start():
    upload = SimpleUploadedFile("logo.png", png_bytes(90, 90))

    inspect_logo(upload, SLOT_90, MAX_BYTES)

    assert (upload.closed, upload.tell()) == (False, 0)


def test_an_unexpected_error_is_a_damaged_logo_not_a_crash(monkeypatch):
    def explode(image):
        raise RuntimeError("an error nobody foresaw")

    monkeypatch.setattr("offers.checks.logo.encode_pixels", explode)

    result = check_logo(png_bytes(90, 90), SLOT_90, MAX_BYTES)

    assert result == LogoCheckResult(
        passed=False,
        code="logo_broken",
        message=DAMAGED,
        details={
            "bytes": len(png_bytes(90, 90)),
            "format": "PNG",
            "width": 90,
            "height": 90,
            "mode": "RGBA",
            "frames": 1,
        },
        clean_png=None,
    )


def test_the_background_check_gives_its_verdict_without_making_a_second_clean_copy():
    result = check_logo(png_bytes(90, 90), SLOT_90, MAX_BYTES, make_clean_copy=False)

    assert (result.passed, result.code, result.clean_png) == (True, "ok", None)
    assert result.details["width"] == 90
