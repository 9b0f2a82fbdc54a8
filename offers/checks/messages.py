"""Messages decided now and read later, each time in the reader's language.

A worker decides a check's outcome; a publisher reads it in Dutch, a reviewer in Chinese, an
e-mail goes out in a third language. So the checkers write their messages in the source
language, as Text: the English words (the msgid) filled in, with the template and parameters
kept beside them. Pages and e-mails translate them when they show them (render()).
"""

from django.utils.translation import gettext


class Text(str):
    """An English message that remembers its template and parameters."""

    def __new__(cls, template, params=None):
        params = dict(params or {})
        text = super().__new__(cls, template % params if params else template)
        text.template = str(template)
        text.params = params
        return text


class Template(str):
    """A msgid not yet filled in: `template % params` gives a Text that remembers both."""

    def __mod__(self, params):
        return Text(str(self), params)


def source(template):
    """Mark a message for translation (import it as `_`: makemessages extracts it as it does
    gettext) without translating it now."""
    return Template(template)


def render(template, params=None):
    """The message in the active language. Text no catalogue knows (what a person typed)
    comes back as it is."""
    if not template:
        return ""  # gettext("") is the catalogue's header
    translated = gettext(template)
    return translated % params if params else translated


def storable(message):
    """The model fields that keep `message`: its English text, template and parameters."""
    template = getattr(message, "template", "")
    params = {key: _plain(value) for key, value in getattr(message, "params", {}).items()}
    return {"message": str(message), "message_template": template, "message_params": params}


def _plain(value):
    return value if isinstance(value, bool | int | float | str) or value is None else str(value)
