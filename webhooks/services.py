"""Webhooks: the endpoints an owner registers, and the messages an offer's news becomes.

`emit` is called inside the transaction that makes the news: offers.notifications for a status
change (through `status_changed`), offers.checks.rounds when the last check of a round is done
(`checks_finished`). Once that transaction commits, each endpoint of the offer's organisation
that wants the event gets a delivery row and a task; webhooks.delivery sends it and decides
what follows a failure.
"""

import base64
import secrets
import uuid

from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone

from offers import broker
from offers.models import OfferStatus, ReviewReason
from webhooks.models import Delivery, Endpoint, EventType

# Standard Webhooks secrets: "whsec_" and the base64 of 24 to 64 random bytes.
SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
# The delivery log shows this many attempts, newest first.
LOG_LENGTH = 100
# The events a status change brings besides offer.status_changed, which every change brings.
EVENT_FOR_STATUS = {
    OfferStatus.SUBMITTED: EventType.SUBMITTED,
    OfferStatus.APPROVED: EventType.APPROVED,
}


# Endpoints.


def register(organisation, url, events, *, created_by):
    """A new endpoint for the organisation. Returns (Endpoint, its secret): the secret is shown
    once, on the page that registered it."""
    secret = SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()
    endpoint = Endpoint.objects.create(
        organisation=organisation,
        url=url,
        events=[event.value for event in EventType if event in events],
        secret=secret,
        created_by=created_by,
    )
    return endpoint, secret


def delete(endpoint):
    """The endpoint and its log are gone; a delivery already queued finds nothing to send."""
    endpoint.delete()


def endpoints_of(organisation):
    """The organisation's endpoints, newest first, each with its latest attempt as `latest`
    (a list of at most one): two queries, however many there are."""
    latest = Delivery.objects.order_by("-created_at", "-pk")[:1]
    return list(
        organisation.webhook_endpoints.select_related("created_by")
        .prefetch_related(Prefetch("deliveries", queryset=latest, to_attr="latest"))
        .order_by("-created_at", "-pk")
    )


def log_of(endpoint, length=LOG_LENGTH):
    """The endpoint's latest attempts, newest first, at most `length` of them; and whether
    older ones were left out."""
    rows = list(endpoint.deliveries.order_by("-created_at", "-pk")[: length + 1])
    return rows[:length], len(rows) > length


# Events.


def status_changed(offer, event):
    """Inside offers.workflow.transition (through offers.notifications): offer.status_changed
    for every change, with the reasons of a decision; offer.submitted or offer.approved besides.
    The reasons are written after the transition in the same transaction: they are read once
    it commits."""
    # One look for a working endpoint serves both messages.
    if not _has_working_endpoint(offer):
        return
    emit(offer, EventType.STATUS_CHANGED, lambda: _change(event), as_of=event, looked=True)
    specific = EVENT_FOR_STATUS.get(event.to_status)
    if specific is not None:
        emit(offer, specific, {}, as_of=event, looked=True)


def _change(event):
    reasons = ReviewReason.objects.filter(event=event).order_by("pk")
    return {
        "from": str(event.from_status),
        "to": str(event.to_status),
        "reasons": [{"requirement": r.requirement, "comment": r.comment} for r in reasons],
    }


def checks_finished(offer, checks):
    """Inside offers.checks.rounds, when the last check of a round is done: offer.checks_finished
    with each check's kind, subject and outcome. `checks` are the round's rows, already read."""
    data = {
        "passed": checks.all_passed(),
        "checks": [
            {
                "kind": str(check.kind),
                "subject": check.subject,
                "outcome": str(check.status),
                "message": str(check.message),
            }
            for check in checks
        ],
    }
    emit(offer, EventType.CHECKS_FINISHED, data)


def emit(offer, event_type, data, *, as_of=None, looked=False):
    """Inside the transaction that makes the news: once it commits, one message for every
    working endpoint of the offer's organisation that wants `event_type`, queued for delivery.

    `data` goes under "data" beside the offer; it may be a function, called at commit, for what
    the transaction writes after this call. `as_of` is the status change the message reports:
    inside transition() the offer in memory does not show its new status and revision yet.
    Without a working endpoint in the organisation, nothing waits for the commit (`looked`: the
    caller has just found one)."""
    if not looked and not _has_working_endpoint(offer):
        return
    head = {
        "type": str(event_type),
        "timestamp": timezone.now().isoformat().replace("+00:00", "Z"),
        "offer": {
            "id": offer.pk,
            "app_name": offer.app_name,
            "status": str(as_of.to_status if as_of else offer.status),
            "revision": as_of.revision if as_of else offer.revision,
        },
    }
    organisation_id = offer.organisation_id
    # Robust: a webhook that cannot be written must not fail the request that made the news.
    transaction.on_commit(lambda: _send_out(organisation_id, head, data), robust=True)


def _has_working_endpoint(offer):
    # An offer locked for a status change has read it already (Offer.objects.for_status_change).
    known = getattr(offer, "has_working_endpoint", None)
    if known is not None:
        return known
    return Endpoint.objects.filter(organisation_id=offer.organisation_id, disabled_at=None).exists()


def _send_out(organisation_id, head, data):
    endpoints = Endpoint.objects.filter(organisation_id=organisation_id, disabled_at=None)
    wanted = [endpoint for endpoint in endpoints if endpoint.wants(head["type"])]
    if not wanted:
        return []
    offer = head["offer"]
    more = data() if callable(data) else data
    payload = {"type": head["type"], "timestamp": head["timestamp"], "data": {"offer": offer}}
    payload["data"].update(more)
    message_id, now = new_message_id(), timezone.now()
    rows = Delivery.objects.bulk_create(
        Delivery(
            endpoint=endpoint,
            message_id=message_id,
            event_type=head["type"],
            payload=payload,
            due_at=now,
        )
        for endpoint in wanted
    )
    for row in rows:
        queue(row.pk)
    return rows


def new_message_id():
    """The webhook-id of a message, the same for every attempt to deliver it."""
    return f"msg_{uuid.uuid4().hex}"


# Delivery.


def queue(delivery_id, countdown=None):
    """Queue one attempt, and note when. Never raises: with the broker down the row stays
    unqueued and the sweeper queues it later. Returns whether the broker took it."""
    if not broker.enqueue("webhooks.tasks.deliver", countdown=countdown, delivery_id=delivery_id):
        return False
    Delivery.objects.filter(pk=delivery_id).update(queued_at=timezone.now())
    return True


def send_again(delivery):
    """A new attempt of the same message (its id and payload), due now and tried once,
    whatever came of the others: an owner asks for it after fixing their receiver."""
    last = Delivery.objects.filter(
        endpoint_id=delivery.endpoint_id, message_id=delivery.message_id
    ).aggregate(last=Max("attempt"))["last"]
    again = Delivery.objects.create(
        endpoint_id=delivery.endpoint_id,
        message_id=delivery.message_id,
        event_type=delivery.event_type,
        payload=delivery.payload,
        attempt=(last or 0) + 1,
        manual=True,
        due_at=timezone.now(),
    )
    transaction.on_commit(lambda: queue(again.pk))
    return again
