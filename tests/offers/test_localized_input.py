"""What publishers type in their own language: numbers with their decimal comma, names and
descriptions in Chinese or with Dutch diacritics."""

from decimal import Decimal

import pytest
from django.utils import translation

from offers.forms import BusinessForm, MarketingForm, TechnicalForm
from offers.services import step_initial
from tests.wizard_data import MARKETING, TECHNICAL

pytestmark = pytest.mark.django_db


def _technical(draft, language, **changes):
    with translation.override(language):
        form = TechnicalForm(data={**TECHNICAL, **changes}, offer=draft)
        form.is_valid()
        return form


@pytest.mark.parametrize(("language", "typed"), [("nl", "99,9"), ("nl", "99.9"), ("en", "99.9")])
def test_the_uptime_is_read_in_the_page_language(draft, language, typed):
    form = _technical(draft, language, uptime_percent=typed)

    assert form.errors == {}
    assert form.cleaned_data["uptime_percent"] == Decimal("99.9")


def test_a_dutch_uptime_below_the_minimum_gets_the_marketplace_minimum(draft):
    form = _technical(draft, "nl", uptime_percent="99,5")

    assert form.errors == {
        "uptime_percent": ["The marketplace requires an uptime of at least 99.9%."]
    }


@pytest.mark.parametrize(("language", "shown"), [("nl", 'value="99,95"'), ("en", 'value="99.95"')])
def test_a_stored_uptime_is_shown_in_the_page_language(draft, language, shown):
    with translation.override(language):
        form = TechnicalForm(initial=step_initial(draft, "technical"), offer=draft)
        html = str(form["uptime_percent"])

    assert shown in html
    assert 'inputmode="decimal"' in html


@pytest.mark.parametrize(
    "name",
    [
        "雲端排程助手",  # Traditional Chinese
        "Coöperatieve Planning – Één Overzicht",  # Dutch diacritics
        "排" * 50,  # 50 characters, 150 bytes in UTF-8
    ],
)
def test_names_in_any_script_are_kept_as_typed_and_counted_in_characters(draft, name):
    form = MarketingForm(data={**MARKETING, "app_name": name}, files={}, offer=draft)

    assert form.is_valid() is True, form.errors
    assert form.cleaned_data["app_name"] == name


def test_a_name_of_51_characters_is_refused_whatever_the_script(draft):
    form = MarketingForm(data={**MARKETING, "app_name": "排" * 51}, files={}, offer=draft)

    assert form.is_valid() is False
    assert form.errors["app_name"] == [
        "The app name can have at most 50 characters; this one has 51."
    ]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Choose an answer for “Technical support”."),
        ("nl", "Kies een antwoord bij “Technische ondersteuning”."),
        ("zh-hant", "請為「技術支援」選擇一個答案。"),
    ],
)
def test_a_question_left_unanswered_is_named_in_the_page_language(draft, language, expected):

    with translation.override(language):
        form = BusinessForm(data={}, offer=draft)
        form.is_valid()
        errors = form.errors["support_model"]

    assert errors == [expected]
