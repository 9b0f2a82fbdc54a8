"""The offer's decisions: the one door for status changes and the submission."""

import pytest

from offers import services, workflow
from offers.models import Offer, OfferStatus
from offers.requirements import CURRENT_VERSION
from tests.factories import OfferFactory, png_upload

pytestmark = pytest.mark.django_db


def test_a_new_offer_is_a_draft_under_the_current_requirements(alice):
    offer = services.start_offer(
        alice,
        {
            "company_name": "Alice Apps",
            "registration_type": "mpn",
            "mpn_id": "4512345",
            "marketplace_publisher_id": "",
            "microsoft_account": "partner@alice.example",
        },
    )

    assert (offer.status, offer.requirements_version) == (OfferStatus.DRAFT, CURRENT_VERSION)


def test_a_complete_draft_has_no_incomplete_steps(draft):
    assert services.incomplete_steps(draft) == []


def test_incomplete_steps_are_listed_in_wizard_order(alice):
    offer = OfferFactory(
        owner=alice, app_name="", own_ordering_and_billing=False, aad_sso_consent=False
    )

    assert services.incomplete_steps(offer) == ["technical", "business", "marketing"]


def test_submitting_sets_the_status_and_time_once(draft, alice):
    services.submit_offer(draft, actor=alice)

    draft.refresh_from_db()
    assert draft.status == OfferStatus.SUBMITTED
    assert draft.submitted_at is not None
    with pytest.raises(workflow.NotEditable):
        services.submit_offer(draft, actor=alice)
    assert draft.events.count() == 1


def test_a_transition_not_in_the_table_is_refused(draft, alice):
    services.submit_offer(draft, actor=alice)

    with pytest.raises(workflow.InvalidTransition):
        workflow.transition(draft, OfferStatus.DRAFT, actor=alice)


def test_a_stale_copy_cannot_change_the_status_twice(draft, alice):
    stale = Offer.objects.get(pk=draft.pk)
    workflow.transition(draft, OfferStatus.SUBMITTED, actor=alice)

    with pytest.raises(workflow.InvalidTransition):
        workflow.transition(stale, OfferStatus.SUBMITTED, actor=alice)
    assert draft.events.count() == 1


def test_saving_a_step_of_a_submitted_offer_is_refused(draft, alice):
    services.submit_offer(draft, actor=alice)

    with pytest.raises(workflow.NotEditable):
        services.save_step(
            draft,
            "business",
            {
                "own_ordering_and_billing": True,
                "support_model": "free",
                "licensing_responsibility": True,
            },
        )


def test_a_stale_copy_cannot_write_into_an_offer_submitted_meanwhile(draft, alice):
    stale = Offer.objects.get(pk=draft.pk)
    services.submit_offer(draft, actor=alice)

    with pytest.raises(workflow.NotEditable):
        services.save_step(
            stale,
            "business",
            {
                "own_ordering_and_billing": True,
                "support_model": "free",
                "licensing_responsibility": True,
            },
        )

    draft.refresh_from_db()
    assert draft.support_model == "paid"


def test_a_stale_copy_cannot_store_logos_into_an_offer_submitted_meanwhile(draft, alice):

    stale = Offer.objects.get(pk=draft.pk)
    before = set(draft.logos.values_list("pk", flat=True))
    services.submit_offer(draft, actor=alice)

    with pytest.raises(workflow.NotEditable):
        services.store_logos(stale, {"40x40": png_upload(40, 40)})

    assert set(draft.logos.values_list("pk", flat=True)) == before
