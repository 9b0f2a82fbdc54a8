"""Reviewers' decisions, withdrawal, assignment and re-running checks, as services."""

import pytest

from accounts.models import Role
from offers import services, workflow
from offers.checklist import requirements_changed
from offers.models import (
    Check,
    CheckStatus,
    EventKind,
    Offer,
    OfferEvent,
    OfferStatus,
    ReviewReason,
)
from tests.factories import MembershipFactory, submitted_offer

pytestmark = pytest.mark.django_db

REASON = [("uptime", "Your SLA page says 99.5%; the marketplace asks for at least 99.9%.")]


def test_a_reviewer_approves_an_offer_whose_checks_all_passed(in_review, reviewer):
    event = services.decide(in_review, OfferStatus.APPROVED, reviewer=reviewer)

    in_review.refresh_from_db()
    assert in_review.status == OfferStatus.APPROVED
    assert (event.actor, event.from_status, event.to_status) == (
        reviewer,
        OfferStatus.IN_REVIEW,
        OfferStatus.APPROVED,
    )


def test_an_offer_with_a_check_that_did_not_pass_cannot_be_approved(alice, reviewer):
    offer = submitted_offer(alice)
    Check.objects.filter(offer=offer, kind="terms_url").update(status=CheckStatus.ERROR)

    with pytest.raises(workflow.DecisionRefused) as refused:
        services.decide(offer, OfferStatus.APPROVED, reviewer=reviewer)

    assert refused.value.message == "An offer can be approved only when every check has passed."
    offer.refresh_from_db()
    assert offer.status == OfferStatus.IN_REVIEW


@pytest.mark.parametrize("decision", [OfferStatus.CHANGES_REQUESTED, OfferStatus.REJECTED])
def test_asking_for_changes_or_rejecting_needs_a_reason(in_review, reviewer, decision):
    with pytest.raises(workflow.DecisionRefused) as refused:
        services.decide(in_review, decision, reviewer=reviewer, reasons=[])

    assert refused.value.message == (
        "Name at least one requirement that is not met, with a comment."
    )
    assert OfferEvent.objects.filter(offer=in_review).count() == 0


def test_each_reason_is_kept_with_the_decision_and_the_internal_note(in_review, reviewer):
    reasons = REASON + [("logos", "The 255 × 115 logo is blurry.")]

    event = services.decide(
        in_review,
        OfferStatus.CHANGES_REQUESTED,
        reviewer=reviewer,
        reasons=reasons,
        internal_note="Second time this vendor misses the SLA.",
    )

    assert list(event.reasons.values_list("requirement", "comment")) == reasons
    assert event.internal_note == "Second time this vendor misses the SLA."
    assert event.reason == ""


def test_a_reviewer_never_decides_on_an_offer_of_their_own_organisation(reviewer):
    MembershipFactory(user=reviewer)
    own = submitted_offer(reviewer)

    with pytest.raises(workflow.DecisionRefused) as refused:
        services.decide(own, OfferStatus.APPROVED, reviewer=reviewer)

    assert refused.value.message == (
        "You belong to the organisation of this offer, so another reviewer must decide on it."
    )


def test_a_second_decision_on_a_decided_offer_says_what_happened(in_review, reviewer, admin_user):
    services.decide(in_review, OfferStatus.APPROVED, reviewer=reviewer)
    stale = Offer.objects.get(pk=in_review.pk)

    with pytest.raises(workflow.DecisionRefused) as refused:
        services.decide(stale, OfferStatus.REJECTED, reviewer=admin_user, reasons=REASON)

    assert refused.value.message == (
        "This offer is no longer waiting for a decision: it is “Approved” now."
    )
    assert OfferEvent.objects.filter(offer=in_review).count() == 1
    assert ReviewReason.objects.count() == 0


def test_only_the_three_decisions_can_be_made(in_review, reviewer):
    with pytest.raises(workflow.DecisionRefused):
        services.decide(in_review, OfferStatus.WITHDRAWN, reviewer=reviewer)


@pytest.mark.parametrize(
    "status",
    [
        OfferStatus.SUBMITTED,
        OfferStatus.VALIDATING,
        OfferStatus.CHANGES_NEEDED,
        OfferStatus.IN_REVIEW,
        OfferStatus.CHANGES_REQUESTED,
    ],
)
def test_the_publisher_may_withdraw_before_a_decision(alice, status):
    offer = submitted_offer(alice, status=status)

    event = services.withdraw(offer, actor=alice, reason="We merged it into another app.")

    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN
    assert (event.actor, event.reason) == (alice, "We merged it into another app.")


@pytest.mark.parametrize(
    "status",
    [OfferStatus.DRAFT, OfferStatus.APPROVED, OfferStatus.REJECTED, OfferStatus.WITHDRAWN],
)
def test_a_draft_or_a_decided_offer_cannot_be_withdrawn(alice, status):
    offer = submitted_offer(alice, status=status)

    with pytest.raises(workflow.DecisionRefused):
        services.withdraw(offer, actor=alice)

    offer.refresh_from_db()
    assert offer.status == status


def test_a_reviewer_takes_an_offer_on_and_the_audit_says_so(in_review, reviewer, admin_user):
    services.assign(in_review, reviewer=reviewer)
    again = services.assign(in_review, reviewer=reviewer)
    services.assign(in_review, reviewer=admin_user)

    in_review.refresh_from_db()
    assert in_review.assigned_to == admin_user
    assert again is None
    assert list(OfferEvent.objects.filter(offer=in_review).values_list("kind", "actor__email")) == [
        (EventKind.ASSIGNED, "carol@example.com"),
        (EventKind.ASSIGNED, "dave@example.com"),
    ]


def test_a_decided_offer_cannot_be_assigned(alice, reviewer):
    offer = submitted_offer(alice, status=OfferStatus.APPROVED)

    with pytest.raises(workflow.DecisionRefused):
        services.assign(offer, reviewer=reviewer)


def test_running_the_checks_again_replaces_the_round_and_waits_for_the_workers(
    in_review, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.rerun_checks(in_review, reviewer=reviewer)

    in_review.refresh_from_db()
    assert (in_review.status, in_review.revision) == (OfferStatus.VALIDATING, 1)
    assert (
        list(Check.objects.filter(offer=in_review).values_list("status", flat=True))
        == [CheckStatus.PENDING] * 7
    )
    assert len(queued) == 1


def test_checks_of_a_decided_offer_do_not_run_again(alice, reviewer):
    offer = submitted_offer(alice, status=OfferStatus.APPROVED)

    with pytest.raises(workflow.DecisionRefused):
        services.rerun_checks(offer, reviewer=reviewer)

    assert Check.objects.filter(offer=offer, status=CheckStatus.PASSED).count() == 7


def test_resubmitting_keeps_a_snapshot_per_revision_so_changes_can_be_shown(alice, reviewer):

    offer = submitted_offer(alice)
    services.decide(offer, OfferStatus.CHANGES_REQUESTED, reviewer=reviewer, reasons=REASON)
    offer.refresh_from_db()
    services.save_step(
        offer,
        "technical",
        {**services.step_initial(offer, "technical"), "uptime_percent": "99.99"},
    )

    services.submit_offer(offer, actor=alice)

    first, second = offer.revisions.order_by("number")
    assert (first.number, second.number) == (1, 2)
    assert [r.key for r in requirements_changed(first.answers, second.answers)] == ["uptime"]


def test_an_admin_has_the_reviewer_rights(in_review, admin_user):
    assert admin_user.role == Role.ADMIN

    services.decide(in_review, OfferStatus.APPROVED, reviewer=admin_user)

    in_review.refresh_from_db()
    assert in_review.status == OfferStatus.APPROVED


def test_checks_that_failed_can_run_again_while_the_publisher_has_changed_nothing(
    alice, reviewer, django_capture_on_commit_callbacks
):
    offer = submitted_offer(alice, status=OfferStatus.CHANGES_NEEDED, check_status="error")

    with django_capture_on_commit_callbacks(execute=False):
        services.rerun_checks(offer, reviewer=reviewer)

    offer.refresh_from_db()
    assert offer.status == OfferStatus.VALIDATING


def test_checks_do_not_run_again_on_answers_the_publisher_is_still_editing(alice, reviewer):
    offer = submitted_offer(alice, status=OfferStatus.CHANGES_NEEDED, check_status="failed")
    services.save_step(
        offer,
        "marketing",
        {**services.step_initial(offer, "marketing"), "description": "<p>New words.</p>"},
    )

    with pytest.raises(workflow.DecisionRefused) as refused:
        services.rerun_checks(offer, reviewer=reviewer)

    assert refused.value.message == (
        "The publisher has changed the offer since submitting it, so the checks run again "
        "when they submit it."
    )
    offer.refresh_from_db()
    assert (offer.status, offer.is_editable) == (OfferStatus.CHANGES_NEEDED, True)
    assert Check.objects.filter(offer=offer, status=CheckStatus.FAILED).count() == 7


def test_the_checks_run_again_for_a_revision_snapshotted_before_logo_copies_were_kept(
    reviewer, in_review
):
    revision = in_review.revisions.get(number=in_review.revision)
    revision.answers.pop("logo_copies")
    revision.save(update_fields=["answers"])

    services.rerun_checks(in_review, reviewer=reviewer)

    in_review.refresh_from_db()
    assert in_review.status == OfferStatus.VALIDATING
