"""get_FOO_display() reads each field's labels gathered once (config.labels), and still shows
them in the language of the moment, as Django's own does."""

import pytest
from django.utils import translation

from offers.models import Offer, OfferStatus
from organisations.models import MemberRole, Membership

pytestmark = pytest.mark.django_db


def test_a_label_is_shown_in_the_language_active_when_it_is_asked_for():
    offer = Offer(status=OfferStatus.SUBMITTED)

    shown = {}
    for language in ("en", "nl", "zh-hant", "en"):
        with translation.override(language):
            shown[language] = (offer.get_status_display(), str(OfferStatus.SUBMITTED.label))

    assert all(display == expected for display, expected in shown.values())
    assert shown["en"][0] == "Submitted"
    assert len({display for display, _expected in shown.values()}) == 3


def test_a_value_without_a_label_is_shown_as_it_is():
    assert Offer(status="archived").get_status_display() == "archived"
    assert Offer(status=None).get_status_display() is None


def test_every_model_with_choices_shows_the_same_label_as_django_would():
    membership = Membership(role=MemberRole.MARKETER)

    with translation.override("nl"):
        assert membership.get_role_display() == str(MemberRole.MARKETER.label)


def test_showing_a_label_translates_that_label_only(monkeypatch):
    offer = Offer(status=OfferStatus.SUBMITTED)
    offer.get_status_display()  # the labels are gathered on the first call
    translated = []
    # Where django.utils.translation.gettext, which a lazy label calls, finds the real one.
    real = translation._trans.gettext
    monkeypatch.setattr(
        translation._trans, "gettext", lambda text: translated.append(text) or real(text)
    )

    with translation.override("nl"):
        offer.get_status_display()

    # Django's own would translate each of the statuses' labels to hash it.
    assert translated == ["Submitted"]
