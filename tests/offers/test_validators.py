"""Logo, name and description checks: each refusal says what is wrong."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from offers.requirements import get_profile
from offers.validators import (
    RemovedMarkup,
    describe_removed_markup,
    description_text_length,
    inspect_logo,
    removed_markup,
    sanitize_description,
    validate_app_name,
)
from tests.factories import png_bytes

PROFILE = get_profile("2018-12")
SLOT_90 = PROFILE.slot("90x90")


def upload(data, name="logo.png"):
    return SimpleUploadedFile(name, data, content_type="image/png")


def refusal(data, slot=SLOT_90, max_bytes=PROFILE.logo_max_bytes):
    with pytest.raises(ValidationError) as caught:
        inspect_logo(upload(data), slot, max_bytes)
    return caught.value


def png_chunk(kind, payload):
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))


def test_a_png_of_the_exact_slot_size_is_accepted():
    inspect_logo(upload(png_bytes(90, 90)), SLOT_90, PROFILE.logo_max_bytes)


def test_logo_with_wrong_size_is_rejected_with_its_size_and_the_slots():
    error = refusal(png_bytes(91, 90))

    assert error.code == "logo_wrong_size"
    assert error.messages == [
        "This logo is 91 × 90 pixels; the 90 × 90 slot needs exactly 90 × 90."
    ]


def test_a_jpeg_named_png_is_not_a_png():
    buffer = io.BytesIO()
    Image.new("RGB", (90, 90)).save(buffer, format="JPEG")

    assert refusal(buffer.getvalue()).code == "logo_not_png"


def test_an_svg_named_png_is_not_a_png():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="90" height="90"></svg>'

    assert refusal(svg).messages == [
        "This file is not a PNG image. Save the logo as PNG and upload it again."
    ]


def test_a_truncated_png_is_reported_as_damaged():
    data = png_bytes(90, 90)

    assert refusal(data[: len(data) // 2]).code == "logo_broken"


def test_a_png_with_a_bad_checksum_is_reported_as_damaged():
    data = bytearray(png_bytes(90, 90))
    idat = data.index(b"IDAT")
    data[idat + 6] ^= 0xFF

    assert refusal(bytes(data)).code == "logo_broken"


def test_a_decompression_bomb_is_refused_before_any_pixel_is_decoded():
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 6, 0, 0, 0)
    bomb = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IEND", b"")

    assert refusal(bomb).code == "logo_bomb"


def test_a_file_over_the_size_limit_is_refused_with_both_sizes():
    error = refusal(png_bytes(90, 90), max_bytes=100)

    assert error.code == "logo_too_large"
    assert error.messages[0].startswith("This file is ")
    assert error.messages[0].endswith("a logo may be at most 100\xa0bytes.")


def test_an_animated_png_is_refused_with_its_frame_count():
    buffer = io.BytesIO()
    frames = [Image.new("RGBA", (90, 90), color) for color in ("red", "blue", "green")]
    frames[0].save(buffer, format="PNG", save_all=True, append_images=frames[1:])

    error = refusal(buffer.getvalue())

    assert error.code == "logo_animated"
    assert error.messages == [
        "This PNG is animated (3 frames); a logo must be a single still image."
    ]


@pytest.mark.parametrize(
    "name", ["Contoso 365", "Contoso™ Field Service", "Vélo Bureau", "客戶服務"]
)
def test_plain_names_in_any_script_are_valid(name):
    validate_app_name(name)


@pytest.mark.parametrize("name", ["Rocket 🚀", "Sunny ☀️", "Team 👩‍💻"])
def test_a_name_with_emoji_is_refused_naming_them(name):
    with pytest.raises(ValidationError) as caught:
        validate_app_name(name)

    assert caught.value.code == "emoji"
    assert "The official app name cannot contain emoji" in caught.value.messages[0]


def test_only_the_allowed_tags_survive_sanitising():
    raw = (
        '<h2 onclick="x()">Title</h2><p style="color:red">Hi <a href="https://x">link</a>'
        "<img src=x onerror=alert(1)><em>now</em></p><ul><li>one</li></ul>"
    )

    clean = sanitize_description(raw, PROFILE.description_allowed_tags)

    assert clean == "<h2>Title</h2><p>Hi link<em>now</em></p><ul><li>one</li></ul>"


def test_text_length_counts_what_a_reader_sees():
    assert description_text_length("<p>A &amp; B</p><br><strong>C</strong>") == 6


def removed_from(raw):
    return removed_markup(raw, PROFILE.description_allowed_tags)


def test_stripped_elements_and_attributes_are_named_once_in_the_order_they_appear():
    raw = (
        "<p onclick=x>Hi</p><script>alert(1)</script><img src=x onerror=y>"
        '<p onclick=z style="color:red">again</p><script>alert(2)</script>'
    )

    assert removed_from(raw) == RemovedMarkup(
        elements=("script", "img"), attributes=("onclick", "style")
    )


def test_the_attributes_of_a_stripped_element_go_unnamed_with_it():
    assert removed_from("<p>Hi<img src=x onerror=y></p>") == RemovedMarkup(elements=("img",))


@pytest.mark.parametrize(
    "raw",
    [
        "<h2>Title</h2><p>Hi <b>bold</b> and <em>now</em><br></p><ul><li>one</li></ul>",
        "Plain text, with a < b & c.",
    ],
)
def test_markup_that_is_allowed_reports_nothing_removed(raw):
    removed = removed_from(raw)

    assert removed == RemovedMarkup()
    assert not removed
    assert describe_removed_markup(removed) == ""


def test_markup_inside_a_stripped_script_is_named_as_bleach_strips_it():
    raw = "<script><p onclick=x>a</p></script>"

    assert sanitize_description(raw, PROFILE.description_allowed_tags) == "<p>a</p>"
    assert removed_from(raw) == RemovedMarkup(elements=("script",), attributes=("onclick",))


def test_comments_and_javascript_links_count_as_removed():
    raw = '<p>Hi<!-- draft note --></p><a href="javascript:alert(1)">go</a><!-- another -->'

    assert removed_from(raw) == RemovedMarkup(elements=("a",), comments=2)


def test_tag_and_attribute_names_are_reported_in_lower_case_as_bleach_reads_them():
    assert removed_from("<P ONCLICK=x>Hi</P><SCRIPT>x</SCRIPT>") == RemovedMarkup(
        elements=("script",), attributes=("onclick",)
    )


@pytest.mark.parametrize(
    ("removed", "sentence"),
    [
        (
            RemovedMarkup(elements=("script",), attributes=("onerror",)),
            "The script element and the onerror attribute were removed from the description.",
        ),
        (
            RemovedMarkup(elements=("iframe",)),
            "The iframe element was removed from the description.",
        ),
        (
            RemovedMarkup(attributes=("onclick", "onerror")),
            "The onclick and onerror attributes were removed from the description.",
        ),
        (
            RemovedMarkup(elements=("a", "iframe", "img"), attributes=("style",), comments=2),
            "The a, iframe and img elements, the style attribute and 2 comments were removed "
            "from the description.",
        ),
        (RemovedMarkup(comments=1), "1 comment was removed from the description."),
    ],
)
def test_the_sentence_names_each_kind_of_removed_markup(removed, sentence):
    assert describe_removed_markup(removed) == sentence
