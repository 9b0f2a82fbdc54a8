from decimal import Decimal

import pytest
from django.utils import translation

from offers.templatetags.offer_format import plain_number


@pytest.mark.parametrize(
    ("stored", "shown"),
    [(Decimal("99.950"), "99.95"), (Decimal("100.000"), "100"), (Decimal("99.900"), "99.9")],
)
def test_an_uptime_is_shown_as_it_was_typed(stored, shown):
    assert plain_number(stored) == shown


def test_an_uptime_is_shown_with_the_languages_decimal_comma():
    with translation.override("nl"):
        assert plain_number(Decimal("99.950")) == "99,95"


def test_nothing_stored_shows_nothing():
    assert plain_number(None) == ""
