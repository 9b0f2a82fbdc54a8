"""Which news of an offer becomes which message, and for whom: a submission, the end of its
checks, a reviewer's decision with its reasons, an approval; only the endpoints of the offer's
organisation that asked for the event receive it."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from offers import services as offers
from offers.checks import rounds
from offers.models import OfferStatus
from tests.factories import OfferFactory, organisation_of
from tests.local_site import serve
from webhooks import services
from webhooks.models import Delivery, Endpoint, EventType

pytestmark = pytest.mark.django_db


def summary(offer, status, revision):
    return {"id": offer.pk, "app_name": offer.app_name, "status": status, "revision": revision}


def messages(receiver, path="/hooks"):
    return [request.message for request in receiver.requests if request.path == path]


def test_a_submission_sends_the_status_change_and_offer_submitted(
    alice, receiver, endpoint, after_commit, monkeypatch
):
    monkeypatch.setattr(rounds, "enqueue", lambda ids: None)  # the checks are not this test's
    draft = OfferFactory(owner=alice, app_name="Alice Route Planner")

    with after_commit():
        offers.submit_offer(draft, actor=alice)

    changed, submitted = messages(receiver)
    assert (changed["type"], changed["data"]) == (
        "offer.status_changed",
        {
            "offer": summary(draft, "submitted", 1),
            "from": "draft",
            "to": "submitted",
            "reasons": [],
        },
    )
    assert (submitted["type"], submitted["data"]) == (
        "offer.submitted",
        {"offer": summary(draft, "submitted", 1)},
    )
    assert changed["timestamp"].endswith("Z")
    # Two events, two messages: each has an id of its own.
    assert len(set(Delivery.objects.values_list("message_id", flat=True))) == 2


def test_the_end_of_the_checks_sends_each_outcome_then_the_status_change(
    alice, receiver, endpoint, settings, after_commit
):
    with serve() as (site, _hits):
        settings.URLCHECK_ALLOWED_PORTS = (80, 443, receiver.port, int(site.rsplit(":", 1)[1]))
        draft = OfferFactory(
            owner=alice,
            support_url=f"{site}/support",
            privacy_url=f"{site}/privacy",
            terms_url=f"{site}/gone",
        )

        with after_commit():  # the checks run at once, then the webhooks go out
            offers.submit_offer(draft, actor=alice)

    assert receiver.types() == [
        "offer.status_changed",
        "offer.submitted",
        "offer.status_changed",
        "offer.checks_finished",
        "offer.status_changed",
    ]
    validating, finished, changes_needed = (messages(receiver)[i]["data"] for i in (2, 3, 4))
    assert (validating["from"], validating["to"]) == ("submitted", "validating")
    assert finished["offer"] == summary(draft, "validating", 1)
    assert finished["passed"] is False
    assert sorted((c["kind"], c["subject"], c["outcome"]) for c in finished["checks"]) == [
        ("logo", "115x115", "passed"),
        ("logo", "255x115", "passed"),
        ("logo", "40x40", "passed"),
        ("logo", "90x90", "passed"),
        ("privacy_url", f"{site}/privacy", "passed"),
        ("support_url", f"{site}/support", "passed"),
        ("terms_url", f"{site}/gone", "failed"),
    ]
    [failed] = [c for c in finished["checks"] if c["outcome"] == "failed"]
    assert failed["message"] == (
        "The page answered 404 Not Found. Check that the address is right and the page is public."
    )
    assert (changes_needed["from"], changes_needed["to"], changes_needed["offer"]["status"]) == (
        "validating",
        "changes_needed",
        "changes_needed",
    )


def test_a_decision_sends_the_reviewers_reasons(
    in_review, reviewer, receiver, endpoint, after_commit
):
    reasons = [
        ("uptime", "Your SLA page says 99.5%; the marketplace asks for at least 99.9%."),
        ("support_url", "The support page asks visitors to sign in."),
    ]

    with after_commit():
        offers.decide(in_review, OfferStatus.CHANGES_REQUESTED, reviewer=reviewer, reasons=reasons)

    [changed] = messages(receiver)
    assert (changed["type"], changed["data"]) == (
        "offer.status_changed",
        {
            "offer": summary(in_review, "changes_requested", 1),
            "from": "in_review",
            "to": "changes_requested",
            "reasons": [
                {"requirement": "uptime", "comment": reasons[0][1]},
                {"requirement": "support_url", "comment": reasons[1][1]},
            ],
        },
    )


def test_an_approval_sends_the_status_change_and_offer_approved(
    in_review, reviewer, receiver, endpoint, after_commit
):
    with after_commit():
        offers.decide(in_review, OfferStatus.APPROVED, reviewer=reviewer)

    changed, approved = messages(receiver)
    assert (changed["type"], changed["data"]["to"], changed["data"]["reasons"]) == (
        "offer.status_changed",
        "approved",
        [],
    )
    assert (approved["type"], approved["data"]) == (
        "offer.approved",
        {"offer": summary(in_review, "approved", 1)},
    )


def test_another_organisations_endpoints_never_receive_the_events(
    in_review, reviewer, bob, receiver, endpoint, after_commit
):
    services.register(
        organisation_of(bob), f"{receiver.base_url}/bob", list(EventType), created_by=bob
    )

    with after_commit():
        offers.decide(in_review, OfferStatus.APPROVED, reviewer=reviewer)

    assert receiver.types("/bob") == []
    assert receiver.types("/hooks") == ["offer.status_changed", "offer.approved"]
    assert set(Delivery.objects.values_list("endpoint_id", flat=True)) == {endpoint.pk}


def test_an_endpoint_receives_only_the_events_it_asked_for(
    alice, in_review, reviewer, receiver, after_commit
):
    services.register(organisation_of(alice), receiver.url, [EventType.APPROVED], created_by=alice)

    with after_commit():
        offers.decide(in_review, OfferStatus.APPROVED, reviewer=reviewer)

    assert receiver.types() == ["offer.approved"]


def test_nothing_is_sent_for_a_change_that_is_rolled_back(
    in_review, reviewer, receiver, endpoint, after_commit
):
    with after_commit(), pytest.raises(RuntimeError), transaction.atomic():
        offers.decide(in_review, OfferStatus.APPROVED, reviewer=reviewer)
        raise RuntimeError("the request failed after the decision")

    assert (receiver.requests, Delivery.objects.count()) == ([], 0)


def test_a_disabled_endpoint_is_sent_nothing_and_nothing_waits_for_the_commit(
    alice, endpoint, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(rounds, "enqueue", lambda ids: None)
    Endpoint.objects.filter(pk=endpoint.pk).update(disabled_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True) as queued:
        offers.submit_offer(OfferFactory(owner=alice), actor=alice)

    # The members' news e-mails wait for the commit; no webhook message does.
    assert [callback for callback in queued if callback.__module__ == services.__name__] == []
    assert not Delivery.objects.exists()


def test_without_an_endpoint_nothing_waits_for_the_commit(
    in_review, reviewer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.emit(in_review, EventType.APPROVED, {})

    assert queued == []


def test_a_submission_looks_for_the_organisations_endpoints_once_as_it_locks_the_offer(alice):
    offer = OfferFactory(owner=alice)

    with CaptureQueriesContext(connection) as captured:
        offers.submit_offer(offer, actor=alice)

    # Two messages (offer.status_changed and offer.submitted), one look, made by the read of
    # the offer that the status change locks: no query of its own.
    looks = [query["sql"] for query in captured if '"webhooks_endpoint"' in query["sql"]]
    assert len(looks) == 1
    assert looks[0].startswith('SELECT "offers_offer"."id"')
