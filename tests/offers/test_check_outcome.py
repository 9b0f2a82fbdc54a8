"""The check outcome stored with each offer (Offer.check_outcome): one word for the checks of its
current revision, kept in the transaction that starts or settles them, through a round's whole
life: submitted, checked, run again, resubmitted."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from offers import services
from offers.checks import rounds
from offers.models import Check, CheckOutcome, CheckStatus, Offer, OfferStatus, round_outcome
from tests.factories import OfferFactory

pytestmark = pytest.mark.django_db

PASSED, FAILED, ERROR = CheckStatus.PASSED, CheckStatus.FAILED, CheckStatus.ERROR
PENDING, RUNNING = CheckStatus.PENDING, CheckStatus.RUNNING


# --- the word for a round --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statuses", "outcome"),
    [
        ([], CheckOutcome.NONE),
        ([PASSED] * 7, CheckOutcome.PASSED),
        ([PASSED, FAILED, PASSED], CheckOutcome.FAILED),
        ([PASSED, ERROR, PASSED], CheckOutcome.ERROR),
        # A failure speaks before an error; a check with no outcome yet before both.
        ([ERROR, FAILED], CheckOutcome.FAILED),
        ([FAILED, ERROR, PENDING], CheckOutcome.RUNNING),
        ([PASSED, RUNNING], CheckOutcome.RUNNING),
    ],
)
def test_a_round_says_running_before_failed_before_error_before_passed(statuses, outcome):
    assert round_outcome(statuses) == outcome


# --- through a round's life ------------------------------------------------------------------


def stored(offer):
    return Offer.objects.values_list("check_outcome", flat=True).get(pk=offer.pk)


def settle(offer, last=PASSED):
    """A worker runs every check of the current round: the last one (the terms page) ends with
    `last`, the others pass. Returns the stored outcome seen after each check."""
    seen = []
    checks = list(Check.objects.current_round(offer).order_by("kind", "subject"))
    checks.sort(key=lambda check: check.kind == "terms_url")
    for check in checks:
        claimed = rounds.claim(check.pk, f"task-{check.pk}")
        status = last if check.kind == "terms_url" else PASSED
        rounds.finish(claimed, rounds.Outcome(status, "Checked."))
        seen.append(stored(offer))
    return seen


@pytest.fixture
def submitted(alice):
    offer = OfferFactory(owner=alice)
    services.submit_offer(offer, actor=alice)
    return offer


def test_a_draft_has_no_checks(alice):
    assert stored(OfferFactory(owner=alice)) == CheckOutcome.NONE


def test_submitting_starts_a_round_that_is_running(submitted):
    assert (submitted.check_outcome, stored(submitted)) == (CheckOutcome.RUNNING,) * 2


def test_the_submission_says_running_in_its_own_update_of_the_offer(alice):
    offer = OfferFactory(owner=alice)

    with CaptureQueriesContext(connection) as captured:
        services.submit_offer(offer, actor=alice)

    updates = [query for query in captured if query["sql"].startswith('UPDATE "offers_offer"')]
    assert len(updates) == 1
    assert '"check_outcome" = ' in updates[0]["sql"]


@pytest.mark.parametrize(
    ("last", "outcome", "status"),
    [
        (PASSED, CheckOutcome.PASSED, OfferStatus.IN_REVIEW),
        (FAILED, CheckOutcome.FAILED, OfferStatus.CHANGES_NEEDED),
        (ERROR, CheckOutcome.ERROR, OfferStatus.CHANGES_NEEDED),
    ],
)
def test_the_outcome_stays_running_until_the_last_check_settles_the_round(
    submitted, last, outcome, status
):
    seen = settle(submitted, last)

    assert seen == [CheckOutcome.RUNNING] * 6 + [outcome]
    submitted.refresh_from_db()
    assert (submitted.status, submitted.check_outcome) == (status, outcome)


def test_a_check_handed_back_for_a_retry_keeps_the_round_running(submitted, monkeypatch):
    timed_out = rounds.Outcome(ERROR, "Timed out.", transient=True)
    monkeypatch.setattr(rounds, "perform", lambda check, logos=None: timed_out)
    check = Check.objects.current_round(submitted).first()

    assert rounds.run(check.pk, "task") == 1  # another attempt is due

    assert stored(submitted) == CheckOutcome.RUNNING


def test_running_the_checks_again_runs_a_new_round(submitted, reviewer):
    settle(submitted, FAILED)

    services.rerun_checks(submitted, reviewer=reviewer)

    assert (submitted.check_outcome, stored(submitted)) == (CheckOutcome.RUNNING,) * 2
    assert settle(submitted)[-1] == CheckOutcome.PASSED


def test_a_resubmission_runs_its_own_round(alice, submitted):
    settle(submitted, FAILED)
    submitted.refresh_from_db()

    services.submit_offer(submitted, actor=alice)

    assert (submitted.revision, stored(submitted)) == (2, CheckOutcome.RUNNING)
    assert settle(submitted, ERROR)[-1] == CheckOutcome.ERROR


def test_a_check_of_an_earlier_round_that_ends_late_changes_nothing(alice, submitted):
    settle(submitted, FAILED)
    submitted.refresh_from_db()
    earlier = Check.objects.current_round(submitted).get(kind="terms_url")
    services.submit_offer(submitted, actor=alice)
    # As if a worker still held it: it finishes after the resubmission.
    Check.objects.filter(pk=earlier.pk).update(status=RUNNING)

    rounds.finish(earlier, rounds.Outcome(PASSED, "Checked."))

    assert stored(submitted) == CheckOutcome.RUNNING
