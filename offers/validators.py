"""Checks on what publishers type and upload. Each error says what is wrong and how to fix it."""

import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser

import bleach
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext
from PIL import Image, UnidentifiedImageError

# Code points used for emoji and pictographs (and the joiners that build them), so that an
# official app name stays plain text. Symbols such as ™ and © stay allowed.
_EMOJI_RANGES = (
    (0x1F000, 0x1FAFF),
    (0x2600, 0x27BF),
    (0x2B00, 0x2BFF),
    (0x1F1E6, 0x1F1FF),
    (0xFE00, 0xFE0F),
    (0x200D, 0x200D),
    (0xE0020, 0xE007F),
    (0x3030, 0x3030),
    (0x303D, 0x303D),
)


def _is_emoji(char):
    code = ord(char)
    return any(low <= code <= high for low, high in _EMOJI_RANGES)


def validate_app_name(value):
    emoji = [char for char in value if _is_emoji(char)]
    if emoji:
        raise ValidationError(
            _("The official app name cannot contain emoji; remove “%(emoji)s”."),
            code="emoji",
            params={"emoji": "".join(emoji)},
        )
    if any(ord(char) < 32 for char in value):
        raise ValidationError(
            _("The app name cannot contain control characters."), code="control_characters"
        )


def sanitize_description(raw_html, allowed_tags):
    """What will be published: only the allowed tags, no attributes, everything else stripped."""
    return bleach.clean(raw_html, tags=allowed_tags, attributes={}, strip=True).strip()


@dataclass(frozen=True)
class RemovedMarkup:
    """What sanitising takes out of a description: element and attribute names, each once, in
    the order they first appear, and how many comments."""

    elements: tuple[str, ...] = ()
    attributes: tuple[str, ...] = ()
    comments: int = 0

    def __bool__(self):
        return bool(self.elements or self.attributes or self.comments)


class _MarkupLister(HTMLParser):
    # bleach drops a disallowed <script> or <style> tag before its content is parsed, so the
    # tags inside are stripped as markup too; read them the same way, not as raw text.
    CDATA_CONTENT_ELEMENTS = ()

    def __init__(self, allowed_tags):
        super().__init__(convert_charrefs=True)
        self.allowed_tags = allowed_tags
        self.elements, self.attributes = {}, {}  # dicts: first-seen order, each name once
        self.comments = 0

    def handle_starttag(self, tag, attrs):
        if tag not in self.allowed_tags:
            # Its attributes go with it: naming them too would only repeat the element.
            self.elements.setdefault(tag)
            return
        for name, _value in attrs:
            self.attributes.setdefault(name)

    def handle_endtag(self, tag):
        if tag not in self.allowed_tags:
            self.elements.setdefault(tag)

    def handle_comment(self, data):
        self.comments += 1


def removed_markup(raw_html, allowed_tags):
    """What sanitize_description(raw_html, allowed_tags) takes out: every element whose tag is
    not allowed, every attribute of a kept element (none is allowed) and every comment."""
    lister = _MarkupLister(allowed_tags)
    lister.feed(raw_html)
    lister.close()
    return RemovedMarkup(tuple(lister.elements), tuple(lister.attributes), lister.comments)


def describe_removed_markup(removed):
    """One sentence for the publisher, such as "The script element and the onerror attribute
    were removed from the description."; empty when nothing was removed."""
    if not removed:
        return ""
    count = len(removed.elements) + len(removed.attributes) + removed.comments
    sentence = ngettext(
        "%(removed)s was removed from the description.",
        "%(removed)s were removed from the description.",
        count,
    ) % {"removed": _kinds(_removed_parts(removed))}
    # The parts are written in lower case ("the script element"), as they read inside the
    # sentence; in English and Dutch the sentence starts with one.
    return capfirst(sentence)


def _removed_parts(removed):
    elements, attributes, comments = removed.elements, removed.attributes, removed.comments
    parts = []
    if elements:
        parts.append(
            ngettext("the %(names)s element", "the %(names)s elements", len(elements))
            % {"names": _names(elements)}
        )
    if attributes:
        parts.append(
            ngettext("the %(names)s attribute", "the %(names)s attributes", len(attributes))
            % {"names": _names(attributes)}
        )
    if comments:
        parts.append(
            ngettext("%(count)s comment", "%(count)s comments", comments) % {"count": comments}
        )
    return parts


# A list of names and a list of kinds are joined by separate strings: Chinese spaces the
# Latin names ("script 和 img") and joins kinds otherwise ("script 元素，以及 onerror 屬性").
def _names(names):
    """Names as a list: "script and img", "a, iframe and img"."""
    if len(names) == 1:
        return names[0]
    # Translators: the last two of the names of removed HTML elements or attributes.
    return _("%(names)s and %(last_name)s") % {
        "names": _separated(names[:-1]),
        "last_name": names[-1],
    }


def _kinds(parts):
    """Kinds as a list: "the script element and the onclick attribute"."""
    if len(parts) == 1:
        return parts[0]
    # Translators: the last two kinds of removed markup, such as "the script element" and
    # "the onclick attribute".
    return _("%(kinds)s and %(last_kind)s") % {
        "kinds": _separated(parts[:-1]),
        "last_kind": parts[-1],
    }


def _separated(items):
    # A context of its own: Django's ", " stays as Django translates it.
    return pgettext("list", ", ").join(items)


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def description_text_length(clean_html):
    """Characters a reader sees: tags removed, &amp; counted as one, runs of white space as one."""
    collector = _TextCollector()
    collector.feed(clean_html)
    collector.close()
    return len(" ".join("".join(collector.parts).split()))


def _logo_error(message, code, **params):
    return ValidationError(message, code=code, params=params)


def inspect_logo(upload, slot, max_bytes):
    """Accept a PNG that fits `slot` exactly and return its decoded image, or raise a
    ValidationError that says why not.

    The size is read from the header before any pixel is decoded, so a huge image costs nothing.
    """
    check_logo_file_size(upload.size, max_bytes)
    return read_logo(upload, slot)


def check_logo_file_size(size, max_bytes):
    if size > max_bytes:
        raise _logo_error(
            _("This file is %(size)s; a logo may be at most %(max)s."),
            "logo_too_large",
            size=filesizeformat(size),
            max=filesizeformat(max_bytes),
        )


def read_logo(file, slot, *, facts=None, name_oversized_metadata=False):
    """Open `file` as a single-frame PNG of exactly `slot`'s size, check it and decode it.

    Returns the decoded image, or raises a ValidationError that says what is wrong. Size and
    frames come from the header, so nothing is decoded for a file refused on those. `facts` (a
    dict), if given, receives what could be read of the file, even when it is refused. `file` is
    left open at its start: never call close() on the image, which would close `file` too.
    An oversized text or colour-profile chunk is reported as damage unless
    `name_oversized_metadata`: the form has always worded it that way.
    """
    facts = {} if facts is None else facts
    with _reading_png(file, name_oversized_metadata):
        with Image.open(file, formats=["PNG"]) as image:
            frames = getattr(image, "n_frames", 1)
            facts.update(
                format=image.format,
                width=image.width,
                height=image.height,
                mode=image.mode,
                frames=frames,
            )
            _check_dimensions(image.size, slot)
            _check_single_frame(frames)
            image.verify()
        # verify() leaves the image unusable; decoding every pixel needs a fresh open.
        file.seek(0)
        image = Image.open(file, formats=["PNG"])
        image.load()
        return image


def damaged_logo_error():
    return _logo_error(
        _("This PNG file is damaged or incomplete. Export the logo again and upload the new file."),
        "logo_broken",
    )


@contextmanager
def _reading_png(file, name_oversized_metadata):
    """Turn Pillow's ways of refusing a file into errors a publisher can act on."""
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    except UnidentifiedImageError:
        raise _logo_error(
            _("This file is not a PNG image. Save the logo as PNG and upload it again."),
            "logo_not_png",
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _logo_error(
            _("This image declares far more pixels than a logo has; it cannot be opened safely."),
            "logo_bomb",
        ) from None
    except ValueError as error:
        if name_oversized_metadata and _is_oversized_metadata(error):
            raise _logo_error(
                _(
                    "This PNG carries an oversized text or colour-profile chunk; export the logo "
                    "again without metadata."
                ),
                "logo_text_chunk",
            ) from None
        raise damaged_logo_error() from None
    except (OSError, SyntaxError, EOFError):
        raise damaged_logo_error() from None
    finally:
        file.seek(0)


# Pillow refuses a tEXt/zTXt/iTXt/iCCP chunk that inflates past its limits with a bare
# ValueError; its message is the only thing that tells it apart from other damage.
_OVERSIZED_METADATA_MESSAGES = ("Decompressed data too large", "Too much memory used in text")


def _is_oversized_metadata(error):
    return any(text in str(error) for text in _OVERSIZED_METADATA_MESSAGES)


def _check_dimensions(size, slot):
    width, height = size
    if (width, height) != (slot.width, slot.height):
        raise _logo_error(
            _(
                "This logo is %(width)s × %(height)s pixels; the %(slot_width)s × %(slot_height)s "
                "slot needs exactly %(slot_width)s × %(slot_height)s."
            ),
            "logo_wrong_size",
            width=width,
            height=height,
            slot_width=slot.width,
            slot_height=slot.height,
        )


def _check_single_frame(frames):
    if frames != 1:
        raise _logo_error(
            _("This PNG is animated (%(frames)s frames); a logo must be a single still image."),
            "logo_animated",
            frames=frames,
        )
