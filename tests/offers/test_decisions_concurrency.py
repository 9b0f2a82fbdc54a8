"""Two reviewers deciding on one offer at the same moment, and two members saving one step of a
draft at the same moment, in real transactions."""

import os
import threading
import time

import pytest
from django.db import connection, connections, transaction

from offers import services, workflow
from offers.models import Offer, OfferEvent, OfferStatus, ReviewReason, StepEdit
from organisations.services import SavedMeanwhile
from tests.factories import OfferFactory, publisher, submitted_offer

REASON = [("privacy", "The privacy policy page is a 404.")]


@pytest.fixture
def postgresql(transactional_db):
    if connection.vendor != "postgresql":
        message = "Row locks are PostgreSQL's: set DATABASE_URL to run this test."
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)


def _decide_in_thread(offer_pk, decision, reviewer, reasons, results):
    try:
        offer = Offer.objects.get(pk=offer_pk)
        services.decide(offer, decision, reviewer=reviewer, reasons=reasons)
        results.append(("decided", decision))
    except workflow.DecisionRefused as refused:
        results.append(("refused", refused.message))
    finally:
        connections.close_all()


def test_two_reviewers_deciding_at_once_give_one_decision_and_one_clear_refusal(
    postgresql, reviewer, admin_user
):

    offer = submitted_offer(publisher())
    results = []
    threads = [
        threading.Thread(
            target=_decide_in_thread,
            args=(offer.pk, OfferStatus.APPROVED, reviewer, [], results),
        ),
        threading.Thread(
            target=_decide_in_thread,
            args=(offer.pk, OfferStatus.REJECTED, admin_user, REASON, results),
        ),
    ]
    # Hold the row so that both reviewers are queued behind the lock before either decides.
    with transaction.atomic():
        Offer.objects.select_for_update().get(pk=offer.pk)
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        waiting = _sessions_waiting_for_a_lock()
    for thread in threads:
        thread.join(timeout=10)

    assert len(waiting) == 2
    outcomes = sorted(kind for kind, _detail in results)
    assert outcomes == ["decided", "refused"]
    (winner,) = [detail for kind, detail in results if kind == "decided"]
    (message,) = [detail for kind, detail in results if kind == "refused"]
    offer.refresh_from_db()
    assert offer.status == winner
    assert message == (
        f"This offer is no longer waiting for a decision: it is “{offer.get_status_display()}” now."
    )
    assert OfferEvent.objects.filter(offer=offer).count() == 1
    assert ReviewReason.objects.filter(event__offer=offer).count() == (
        1 if winner == OfferStatus.REJECTED else 0
    )


def _sessions_waiting_for_a_lock():
    """Other sessions of this database waiting for a lock right now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchall()


BUSINESS_ANSWERS = {"own_ordering_and_billing": True, "licensing_responsibility": True}


def _save_in_thread(offer_pk, support_model, user, results):
    try:
        offer = Offer.objects.select_related("organisation").get(pk=offer_pk)
        answers = {**BUSINESS_ANSWERS, "support_model": support_model}
        services.save_step(offer, "business", answers, user=user, seen_version=0)
        results.append(("saved", support_model))
    except SavedMeanwhile as conflict:
        results.append(("refused", conflict.changed_by))
    finally:
        connections.close_all()


def test_two_members_saving_one_step_at_once_give_one_save_and_one_refusal(
    postgresql, alice, manager
):
    draft = OfferFactory(owner=alice)
    answers = {**BUSINESS_ANSWERS, "support_model": "free"}
    services.save_step(draft, "business", answers, user=alice, seen_version=None)
    StepEdit.objects.filter(offer=draft).update(version=0)  # as both pages showed it
    results = []
    threads = [
        threading.Thread(target=_save_in_thread, args=(draft.pk, model, user, results))
        for model, user in (("paid", alice), ("community", manager))
    ]
    # Hold the step's row so that both saves queue behind it before either is made.
    with transaction.atomic():
        StepEdit.objects.select_for_update().get(offer=draft)
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        waiting = _sessions_waiting_for_a_lock()
    for thread in threads:
        thread.join(timeout=10)

    assert len(waiting) == 2
    assert sorted(kind for kind, _detail in results) == ["refused", "saved"]
    (saved,) = [detail for kind, detail in results if kind == "saved"]
    (saver,) = [user for user, model in ((alice, "paid"), (manager, "community")) if model == saved]
    assert [detail for kind, detail in results if kind == "refused"] == [saver]
    assert Offer.objects.get(pk=draft.pk).support_model == saved
    assert StepEdit.objects.get(offer=draft).version == 1
