"""Word-level differences between two revisions of a long answer, as data for a template.

The description is stored as sanitised HTML; only its text is compared, so that the page
shows the words that changed and never renders either revision's markup. The segments are
plain text: the template escapes them like any other value."""

import difflib
import re
from html.parser import HTMLParser

SAME, REMOVED, ADDED = "same", "removed", "added"
# A run of spaces, one character of a script written without spaces between words (Chinese,
# Japanese, Korean: each character is compared on its own), or a run of anything else.
_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_TOKENS = re.compile(rf"\s+|[{_CJK}]|[^\s{_CJK}]+")
# Tags after which the text goes on in a new block: kept as a line break, not a glued word.
_BLOCKS = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6"})


def word_diff(old, new):
    """[(kind, text), ...] that spell the old text with the REMOVED segments and the new text
    with the ADDED ones; SAME segments belong to both."""
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    # Spaces are junk: two texts that share only spaces do not match word by word.
    matcher = difflib.SequenceMatcher(str.isspace, before, after, autojunk=False)
    segments = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            _append(segments, SAME, "".join(after[j1:j2]))
        if op in ("delete", "replace"):
            _append_changed(segments, REMOVED, "".join(before[i1:i2]))
        if op in ("insert", "replace"):
            _append_changed(segments, ADDED, "".join(after[j1:j2]))
    return segments


def old_side(segments):
    """The segments that spell the old text: SAME and REMOVED."""
    return _one_side(segments, ADDED)


def new_side(segments):
    """The segments that spell the new text: SAME and ADDED."""
    return _one_side(segments, REMOVED)


def _one_side(segments, left_out):
    side = []
    for kind, text in segments:
        if kind == left_out:
            continue
        if side and side[-1][0] == SAME == kind:
            # The spaces on both sides of the words left out: one of them is enough.
            if side[-1][1][-1:].isspace():
                text = text.lstrip(" ")
            side[-1] = (SAME, side[-1][1] + text)
        else:
            side.append((kind, text))
    return side


def _append_changed(segments, kind, text):
    # The spaces around changed words are shown unmarked, so that "a <del>b</del> c" keeps
    # its words apart in both columns.
    core = text.strip()
    leading, trailing = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    _append(segments, SAME, leading)
    _append(segments, kind, core)
    _append(segments, SAME, trailing)


def _append(segments, kind, text):
    if not text:
        return
    if segments and segments[-1][0] == kind:
        segments[-1] = (kind, segments[-1][1] + text)
    else:
        segments.append((kind, text))


def html_text(html):
    """The text of a sanitised description, its paragraphs and list items on lines of their
    own, its entities decoded."""
    parser = _TextParser()
    parser.feed(html or "")
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


class _TextParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        # Line breaks in the markup's source are spaces on the page.
        self.parts.append(" ".join(data.split("\n")))
