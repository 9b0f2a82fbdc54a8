"""A check's reason is decided once, by a worker, and read in the reader's language: the
publisher's page, the reviewer's page and the e-mail each translate it when they show it."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from offers import services
from offers.checks import rounds
from offers.checks.logo import check_logo
from offers.checks.messages import Text, render, source, storable
from offers.requirements import get_profile
from tests.factories import OfferFactory, png_bytes
from tests.local_site import allow_checks_to_reach, serve

pytestmark = pytest.mark.django_db

GONE = "The page answered %(status)s. Check that the address is right and the page is public."


@pytest.fixture
def offer_that_failed_its_checks(failed_check):
    return failed_check.offer


@pytest.fixture
def failed_check(alice, settings):
    """Alice's submission whose support page answers 404, checked as a worker checks it."""
    with serve() as (site, _hits):
        allow_checks_to_reach(settings, site)
        offer = OfferFactory(
            owner=alice,
            support_url=f"{site}/gone",
            privacy_url=f"{site}/privacy",
            terms_url=f"{site}/terms",
        )
        services.submit_offer(offer, actor=alice)
        for check in offer.checks.all():
            rounds.run(check.pk, f"task-{check.pk}")
    return offer.checks.get(kind="support_url")


def _in(language, template, **params):
    with translation.override(language):
        return gettext(template) % params


def test_the_worker_keeps_the_english_words_with_their_template_and_parameters(failed_check):
    assert failed_check.message == GONE % {"status": "404 Not Found"}
    assert (failed_check.message_template, failed_check.message_params) == (
        GONE,
        {"status": "404 Not Found"},
    )


@pytest.mark.parametrize("language", ["nl", "zh-hant"])
def test_the_reason_is_shown_in_the_readers_language(failed_check, language):
    expected = _in(language, GONE, status="404 Not Found")

    with translation.override(language):
        shown = failed_check.shown_message

    assert shown == expected
    assert shown != failed_check.message  # the catalogue translates it


def test_a_dutch_publisher_reads_the_reason_in_dutch_on_the_status_page(
    client, alice, failed_check
):
    alice.language = "nl"
    alice.save()
    client.force_login(alice)

    html = client.get(reverse("offers:detail", kwargs={"pk": failed_check.offer_id})).content

    assert _in("nl", GONE, status="404 Not Found") in html.decode()


def test_a_logo_failure_keeps_the_form_message_and_its_parameters():

    profile = get_profile()
    with translation.override("nl"):
        result = check_logo(png_bytes(91, 90), profile.slot("90x90"), profile.logo_max_bytes)

    fields = storable(result.message)
    assert fields["message"].startswith("This logo is 91 × 90 pixels")
    assert fields["message_params"]["width"] == 91
    assert render(fields["message_template"], fields["message_params"]) == fields["message"]


def test_text_a_person_typed_is_shown_as_it_is():
    assert render("Wij hebben de app samengevoegd.") == "Wij hebben de app samengevoegd."
    assert render("") == ""


def test_a_source_template_filled_in_remembers_both():
    text = source("The site %(host)s refused the connection.") % {"host": "example.com"}

    assert isinstance(text, Text)
    assert (str(text), text.template, text.params) == (
        "The site example.com refused the connection.",
        "The site %(host)s refused the connection.",
        {"host": "example.com"},
    )


def test_a_reason_the_portal_writes_is_kept_in_english_and_shown_in_the_readers(
    client, alice, offer_that_failed_its_checks
):
    event = offer_that_failed_its_checks.events.get(to_status="changes_needed")
    alice.language = "nl"
    alice.save()
    client.force_login(alice)

    html = client.get(reverse("offers:detail", kwargs={"pk": event.offer_id})).content.decode()

    assert event.reason == "Some checks did not pass."
    assert _in("nl", "Some checks did not pass.") in html


def test_a_reason_a_person_typed_is_shown_as_typed_even_if_it_matches_a_message(
    client, alice, in_review
):
    services.withdraw(in_review, actor=alice, reason="Approve")
    alice.language = "nl"
    alice.save()
    client.force_login(alice)

    html = client.get(reverse("offers:detail", kwargs={"pk": in_review.pk})).content.decode()

    assert _in("nl", "Approve") != "Approve"
    assert '<p class="timeline__reason">Approve</p>' in html


def test_running_the_checks_again_is_recorded_by_its_kind_not_in_the_reviewers_words(
    in_review, reviewer
):
    with translation.override("zh-hant"):
        event = services.rerun_checks(in_review, reviewer=reviewer)

    event.refresh_from_db()
    assert (event.kind, event.reason) == ("checks_rerun", "")
