"""The publisher takes an offer back before a decision: a POST with a confirmation, from the
offer's own page. Only the owner may; everyone else gets 404."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from offers.models import Offer, OfferEvent, OfferStatus
from offers.workflow import UNDECIDED_STATUSES
from tests.factories import OfferFactory, submitted_offer

pytestmark = pytest.mark.django_db

CONFIRMED = {"confirm": "on", "reason": "We are rebuilding the app first."}


def withdraw_url(offer):
    return reverse("offers:withdraw", kwargs={"pk": offer.pk})


def detail_url(offer):
    return reverse("offers:detail", kwargs={"pk": offer.pk})


def status_of(offer):
    return Offer.objects.values_list("status", flat=True).get(pk=offer.pk)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def offer_in(owner, status):
    if status == OfferStatus.DRAFT:
        return OfferFactory(owner=owner)
    return submitted_offer(owner, status=status)


@pytest.mark.parametrize("status", UNDECIDED_STATUSES)
def test_the_owner_withdraws_an_offer_before_a_decision(alice_client, alice, status):
    offer = offer_in(alice, status)

    response = alice_client.post(withdraw_url(offer), CONFIRMED)

    assert response["Location"] == detail_url(offer)
    assert messages_of(response) == ["Your offer was withdrawn."]
    assert status_of(offer) == OfferStatus.WITHDRAWN
    event = OfferEvent.objects.get(offer=offer)
    assert (event.actor, event.from_status, event.to_status, event.reason) == (
        alice,
        status,
        OfferStatus.WITHDRAWN,
        "We are rebuilding the app first.",
    )


@pytest.mark.parametrize(
    "status", [OfferStatus.APPROVED, OfferStatus.REJECTED, OfferStatus.WITHDRAWN]
)
def test_a_decided_or_withdrawn_offer_cannot_be_withdrawn(alice_client, alice, status):
    offer = submitted_offer(alice, status=status)

    response = alice_client.post(withdraw_url(offer), CONFIRMED)

    label = OfferStatus(status).label
    assert response["Location"] == detail_url(offer)
    assert messages_of(response) == [f"This offer can no longer be withdrawn: it is “{label}”."]
    assert status_of(offer) == status
    assert OfferEvent.objects.filter(offer=offer).count() == 0


def test_a_decided_offer_gets_the_refusal_even_without_the_confirmation(alice_client, alice):
    offer = submitted_offer(alice, status=OfferStatus.APPROVED)

    response = alice_client.post(withdraw_url(offer), {})

    assert messages_of(response) == ["This offer can no longer be withdrawn: it is “Approved”."]
    assert status_of(offer) == OfferStatus.APPROVED


def test_withdrawing_needs_the_confirmation_and_keeps_what_was_typed(alice_client, in_review):
    response = alice_client.post(withdraw_url(in_review), {"reason": "Not ready yet."})
    html = response.content.decode()

    assert response.status_code == 200
    assert response.context["withdraw_form"].errors == {
        "confirm": ["Tick the box to confirm that you want to withdraw this offer."]
    }
    assert "Tick the box to confirm that you want to withdraw this offer.</li>" in html
    assert "Not ready yet.</textarea>" in html
    assert status_of(in_review) == OfferStatus.IN_REVIEW


def test_the_reason_is_optional(alice_client, in_review):
    alice_client.post(withdraw_url(in_review), {"confirm": "on"})

    assert OfferEvent.objects.get(offer=in_review).reason == ""
    assert status_of(in_review) == OfferStatus.WITHDRAWN


@pytest.mark.parametrize("outsider", ["bob", "reviewer", "admin_user"])
def test_only_the_owner_may_withdraw_everyone_else_gets_404(client, request, in_review, outsider):
    client.force_login(request.getfixturevalue(outsider))

    response = client.post(withdraw_url(in_review), CONFIRMED)

    assert response.status_code == 404
    assert status_of(in_review) == OfferStatus.IN_REVIEW


def test_an_anonymous_visitor_is_asked_to_log_in(client, in_review):
    response = client.post(withdraw_url(in_review), CONFIRMED)

    assert (response.status_code, response["Location"].split("?")[0]) == (
        302,
        reverse("account_login"),
    )
    assert status_of(in_review) == OfferStatus.IN_REVIEW


def test_withdrawing_is_a_post_only(alice_client, in_review):
    response = alice_client.get(withdraw_url(in_review))

    assert (response.status_code, response["Allow"]) == (405, "POST")
    assert status_of(in_review) == OfferStatus.IN_REVIEW


def test_withdrawing_needs_a_csrf_token(alice, in_review):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)

    response = browser.post(withdraw_url(in_review), CONFIRMED)

    assert response.status_code == 403
    assert status_of(in_review) == OfferStatus.IN_REVIEW


def test_status_and_owner_fields_in_the_post_are_ignored(alice_client, alice, bob, in_review):
    alice_client.post(
        withdraw_url(in_review), {**CONFIRMED, "status": OfferStatus.APPROVED, "created_by": bob.pk}
    )

    in_review.refresh_from_db()
    assert (in_review.status, in_review.created_by) == (OfferStatus.WITHDRAWN, alice)


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        (OfferStatus.IN_REVIEW, True),
        (OfferStatus.CHANGES_REQUESTED, True),
        (OfferStatus.APPROVED, False),
        (OfferStatus.WITHDRAWN, False),
    ],
)
def test_the_offer_page_offers_withdrawing_only_before_a_decision(
    alice_client, alice, status, offered
):
    offer = submitted_offer(alice, status=status)

    html = alice_client.get(detail_url(offer)).content.decode()

    assert (f'action="{withdraw_url(offer)}"' in html) is offered


def test_a_withdrawn_offer_says_so_and_can_no_longer_be_edited(alice_client, in_review):
    alice_client.post(withdraw_url(in_review), CONFIRMED)

    html = alice_client.get(detail_url(in_review)).content.decode()

    assert "This offer was withdrawn. It can no longer be changed or submitted." in html
    assert ">Withdrawn</span>" in html
    assert "Edit and resubmit" not in html
