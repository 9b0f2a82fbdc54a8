"""The state machine: every pair of states, allowed or refused, through the one door."""

import itertools

import pytest

from offers import workflow
from offers.models import Notification, NotificationKind, Offer, OfferEvent, OfferStatus
from tests.factories import OfferFactory

pytestmark = pytest.mark.django_db

S = OfferStatus
ALLOWED = {
    (S.DRAFT, S.SUBMITTED),
    (S.SUBMITTED, S.VALIDATING),
    (S.SUBMITTED, S.IN_REVIEW),
    (S.SUBMITTED, S.CHANGES_NEEDED),
    (S.SUBMITTED, S.WITHDRAWN),
    (S.VALIDATING, S.IN_REVIEW),
    (S.VALIDATING, S.CHANGES_NEEDED),
    (S.VALIDATING, S.WITHDRAWN),
    (S.CHANGES_NEEDED, S.SUBMITTED),
    (S.CHANGES_NEEDED, S.VALIDATING),
    (S.CHANGES_NEEDED, S.WITHDRAWN),
    (S.IN_REVIEW, S.APPROVED),
    (S.IN_REVIEW, S.CHANGES_REQUESTED),
    (S.IN_REVIEW, S.REJECTED),
    (S.IN_REVIEW, S.VALIDATING),
    (S.IN_REVIEW, S.WITHDRAWN),
    (S.CHANGES_REQUESTED, S.SUBMITTED),
    (S.CHANGES_REQUESTED, S.WITHDRAWN),
}
ALL_PAIRS = list(itertools.product(S, S))
REFUSED = [pair for pair in ALL_PAIRS if pair not in ALLOWED]


def test_the_table_in_the_code_is_exactly_the_one_in_this_test():
    in_code = {(a, b) for a, targets in workflow.ALLOWED_TRANSITIONS.items() for b in targets}

    assert in_code == ALLOWED
    assert set(workflow.ALLOWED_TRANSITIONS) == set(S)


def _offer_in(status, owner):

    offer = OfferFactory(owner=owner)
    Offer.objects.filter(pk=offer.pk).update(status=status, revision=1)
    offer.refresh_from_db()
    return offer


@pytest.mark.parametrize(("from_status", "to_status"), sorted(ALLOWED))
def test_an_allowed_change_updates_the_offer_and_writes_one_event(
    alice, reviewer, from_status, to_status
):
    offer = _offer_in(from_status, alice)

    event = workflow.transition(offer, to_status, actor=reviewer, reason="Because.")

    offer.refresh_from_db()
    assert offer.status == to_status
    assert list(OfferEvent.objects.filter(offer=offer).values_list("pk", flat=True)) == [event.pk]
    assert (event.actor, event.from_status, event.to_status, event.reason) == (
        reviewer,
        from_status,
        to_status,
        "Because.",
    )


@pytest.mark.parametrize(("from_status", "to_status"), REFUSED)
def test_a_change_outside_the_table_is_refused_and_leaves_no_trace(alice, from_status, to_status):
    offer = _offer_in(from_status, alice)

    with pytest.raises(workflow.InvalidTransition):
        workflow.transition(offer, to_status, actor=alice)

    offer.refresh_from_db()
    assert offer.status == from_status
    assert OfferEvent.objects.filter(offer=offer).count() == 0
    assert Notification.objects.filter(offer=offer).count() == 0


def test_submitting_again_starts_a_new_revision_with_its_own_event(alice):
    offer = _offer_in(S.CHANGES_REQUESTED, alice)

    event = workflow.transition(offer, S.SUBMITTED, actor=alice)

    offer.refresh_from_db()
    assert (offer.revision, event.revision) == (2, 2)


@pytest.mark.parametrize(
    ("to_status", "kind"),
    [
        (S.SUBMITTED, NotificationKind.SUBMITTED),
        (S.CHANGES_NEEDED, NotificationKind.CHECKS_FAILED),
        (S.CHANGES_REQUESTED, NotificationKind.CHANGES_REQUESTED),
        (S.REJECTED, NotificationKind.REJECTED),
        (S.APPROVED, NotificationKind.APPROVED),
    ],
)
def test_the_publisher_gets_news_of_the_changes_that_concern_them(alice, to_status, kind):
    source = next(a for a, b in sorted(ALLOWED) if b == to_status)
    offer = _offer_in(source, alice)

    event = workflow.transition(offer, to_status, actor=None)

    news = Notification.objects.get(offer=offer)
    assert (news.recipient, news.kind, news.event) == (alice, kind, event)


@pytest.mark.parametrize("to_status", [S.VALIDATING, S.IN_REVIEW, S.WITHDRAWN])
def test_steps_the_publisher_took_or_that_need_nobody_bring_no_news(alice, to_status):
    source = next(a for a, b in sorted(ALLOWED) if b == to_status)
    offer = _offer_in(source, alice)

    workflow.transition(offer, to_status, actor=None)

    assert Notification.objects.filter(offer=offer).count() == 0


def test_undecided_offers_are_those_the_publisher_may_still_withdraw():
    assert workflow.UNDECIDED_STATUSES == (
        S.SUBMITTED,
        S.VALIDATING,
        S.CHANGES_NEEDED,
        S.IN_REVIEW,
        S.CHANGES_REQUESTED,
    )
    assert all(S.WITHDRAWN in workflow.ALLOWED_TRANSITIONS[s] for s in workflow.UNDECIDED_STATUSES)
