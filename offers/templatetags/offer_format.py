from django import template
from django.utils import formats

from offers.checklist import REQUIREMENTS_BY_KEY
from offers.checks.messages import render
from offers.forms import plain_decimal

register = template.Library()


@register.filter
def plain_number(value):
    """A decimal as the publisher typed it, in the page's language: 99.950 shows as 99.95
    (99,95 in Dutch), 100.000 as 100."""
    if value is None or value == "":
        return ""
    return formats.number_format(plain_decimal(value), use_l10n=True)


@register.filter
def in_reader_language(text):
    """Text the portal wrote (kept in English, such as a status change's reason), translated
    for the reader. Only for text no person typed."""
    return render(text)


@register.filter
def requirement(key):
    """The checklist requirement a reviewer's reason names (its label and wizard step)."""
    return REQUIREMENTS_BY_KEY.get(key)
