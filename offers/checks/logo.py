"""The background check of one stored logo, and the clean copy that is served instead of it.

The rules are the form's (offers.validators.read_logo): a PNG of at most `max_bytes`, exactly the
slot's size, one frame, that Pillow verifies and decodes in full. A logo that passes is encoded
again from its pixels alone, so nothing else the publisher's file carried (text chunks, an ICC
profile, EXIF, bytes after IEND) is ever served.
"""

import io
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import translation
from PIL import Image

# Messages are kept in English with their parameters, and translated when shown.
from offers.checks.messages import Text
from offers.checks.messages import source as _
from offers.validators import check_logo_file_size, damaged_logo_error, read_logo

logger = logging.getLogger(__name__)

# Modes the clean copy keeps as they are. A palette image, and any image whose transparency is
# a tRNS colour key, becomes RGBA instead: the transparency moves into an alpha channel, and
# nothing palette-level (unused entries, odd tRNS tables) reaches the copy.
KEPT_MODES = frozenset({"1", "L", "LA", "I;16", "RGB", "RGBA"})

# The re-encode is most of the check's time. Level 1 deflates busy logos three times faster
# than the default 6 (bench/logos.py: 5 ms against 15 ms for an offer's four) and came out no
# bigger there; a flat logo grows by about a kilobyte. The copy is lossless either way.
CLEAN_COMPRESS_LEVEL = 1


@dataclass(frozen=True)
class LogoCheckResult:
    passed: bool
    code: str  # "ok", or the failure code shared with the form ("logo_wrong_size", ...)
    message: str  # translated, for the publisher
    details: dict  # JSON-serialisable: bytes, and format, width, height, mode, frames if read
    clean_png: bytes | None  # the copy to serve, when passed


def check_logo(data, slot, max_bytes, *, make_clean_copy=True):
    """Check the PNG bytes `data` for `slot`. Never raises: a bad file is a failed result.

    The clean copy is made once, at upload; the background check only needs the verdict, so it
    passes make_clean_copy=False and skips the re-encode, the dearest part of the work.
    """
    details = {"bytes": len(data)}
    try:
        clean_png = _clean_copy(data, slot, max_bytes, details, make_clean_copy)
    except ValidationError as error:
        return _failed(error, details)
    except Exception:
        # Whatever else Pillow throws is still a file we cannot use, not a reason for the worker
        # to crash; the traceback is kept so that the case can be named one day.
        logger.exception("Unexpected error while checking a logo for slot %s", slot.key)
        return _failed(damaged_logo_error(), details)
    message = _("This logo fits the %(width)s × %(height)s slot.") % {
        "width": slot.width,
        "height": slot.height,
    }
    return LogoCheckResult(True, "ok", message, details, clean_png)


def _failed(error, details):
    # The form's ValidationError, kept as its English template and parameters.
    with translation.override("en"):
        message = Text(str(error.message), error.params)
    return LogoCheckResult(False, error.code, message, details, None)


def _clean_copy(data, slot, max_bytes, details, make_clean_copy):
    check_logo_file_size(len(data), max_bytes)
    logo = read_logo(io.BytesIO(data), slot, facts=details, name_oversized_metadata=True)
    return encode_pixels(logo) if make_clean_copy else None


def encode_pixels(image):
    """PNG bytes of `image`'s pixels and nothing else: no text, no ICC profile, no EXIF."""
    if image.mode not in KEPT_MODES or "transparency" in image.info:
        image = image.convert("RGBA")
    # A new image has an empty info, and the PNG writer takes profile and transparency from it.
    pixels = Image.frombytes(image.mode, image.size, image.tobytes())
    buffer = io.BytesIO()
    pixels.save(buffer, format="PNG", compress_level=CLEAN_COMPRESS_LEVEL)
    return buffer.getvalue()
