from django import template
from django.utils import formats

from offers.checklist import REQUIREMENTS_BY_KEY, answer_label
from offers.forms import plain_decimal
from offers.steps import STEPS_BY_NAME

register = template.Library()


@register.filter
def plain_number(value):
    """A decimal as the publisher typed it, in the page's language: 99.950 shows as 99.95
    (99,95 in Dutch), 100.000 as 100."""
    if value is None or value == "":
        return ""
    return formats.number_format(plain_decimal(value), use_l10n=True)


@register.filter
def requirement(key):
    """The checklist requirement a reviewer's reason names (its label and wizard step), or None
    for a key the checklist no longer has."""
    return REQUIREMENTS_BY_KEY.get(key)


@register.filter(name="answer_label")
def answer_label_filter(key):
    """An answer's label, the same as the wizard's and the reviewer's page's:
    {{ "app_name"|answer_label }}."""
    return answer_label(key)


@register.filter
def step_titles(names):
    """The wizard steps' titles, in the order given: "Technical requirements, Marketing assets"."""
    return ", ".join(str(STEPS_BY_NAME[name].title) for name in names if name in STEPS_BY_NAME)
