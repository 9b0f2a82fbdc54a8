"""Sending one attempt of a webhook, and deciding what follows it.

An attempt is a Delivery row, due at `due_at`. webhooks.tasks.deliver takes it (`claim`: once,
however often the broker hands out the task), signs the message as Standard Webhooks says
(webhook-id, webhook-timestamp, webhook-signature), and POSTs it with
offers.checks.url.post_json, under the same SSRF rules as the URL checks. Then:

- a 2xx: delivered. No other automatic attempt of the message is sent, and an endpoint that
  had stopped starts again.
- a transient failure (a network error, a 5xx, 408 or 429): a row for the next attempt, due
  after the next wait of RETRY_WAITS (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, as the Standard
  Webhooks reference does), while that is within 24 hours of the first attempt. After the last
  one the endpoint stops, as unreachable.
- an address the rules refuse: final, and the endpoint stops; its page says why.
- any other answer (a 4xx; a redirect, which is not followed): final for this message.
An attempt an owner asked for ("Send again") is tried once.

Why countdowns and a sweeper: a short wait goes with the task itself (Celery's countdown). A
long one would sit in the broker past its visibility timeout (an hour on Redis), which hands it
out again and again; those are left to the sweeper, which runs every minute (the beat) and
queues every attempt that is due and not queued lately. It is the safety net for the short
waits too: a broker that was down, a worker that died. A task that comes early finds nothing
due and returns.
"""

import json
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, Min, OuterRef, Q
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from offers.checks.messages import storable
from offers.checks.url import ANSWERED, BLOCKED, ERROR, post_json
from webhooks import services
from webhooks.models import Delivery, DeliveryStatus, Endpoint, StopReason

logger = logging.getLogger(__name__)

RETRY_WAITS = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
)
RETRY_WINDOW = timedelta(hours=24)
# Waits up to this go with the task (a countdown); longer ones are queued by the sweeper.
COUNTDOWN_LIMIT = timedelta(minutes=30)
# An attempt taken this long ago lost its worker (the task's time limit is far shorter).
SENDING_TIMEOUT = timedelta(minutes=5)
# A due attempt queued this long ago and still not taken was lost by the broker.
REQUEUE_AFTER = timedelta(minutes=5)
SWEEP_BATCH = 200
EXCERPT_LENGTH = 1024
# Answers that say "later": retried like a 5xx.
RETRY_STATUSES = frozenset({408, 429})


def attempt(delivery_id):
    """Send one attempt, at most once however often its task is delivered. Returns the row,
    or None when there was nothing to send (gone, not due yet, taken, or already delivered)."""
    delivery = claim(delivery_id)
    if delivery is None:
        return None
    record(delivery, send(delivery))
    return delivery


def claim(delivery_id, now=None):
    """Take a due attempt, atomically: a second delivery of the task finds nothing to take.
    An automatic attempt of a message that was delivered meanwhile is not taken."""
    now = now or timezone.now()
    delivered = Delivery.objects.filter(
        endpoint_id=OuterRef("endpoint_id"),
        message_id=OuterRef("message_id"),
        status=DeliveryStatus.DELIVERED,
    )
    claimed = Delivery.objects.filter(
        Q(manual=True) | ~Exists(delivered),
        pk=delivery_id,
        status=DeliveryStatus.PENDING,
        due_at__lte=now,
    ).update(status=DeliveryStatus.SENDING, claimed_at=now)
    if not claimed:
        return None
    return Delivery.objects.select_related("endpoint").get(pk=delivery_id)


def send(delivery):
    """POST the message, signed now with the endpoint's secret. Returns the PostResult."""
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"))
    now = timezone.now()
    headers = {
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(delivery.endpoint.secret).sign(delivery.message_id, now, body),
    }
    return post_json(
        delivery.endpoint.url, body.encode(), headers, ports=settings.URLCHECK_ALLOWED_PORTS
    )


def record(delivery, result, now=None):
    """Write what the attempt came to, and what follows from it (see the module's docstring)."""
    now = now or timezone.now()
    fields = {
        "sent_at": now,
        "status_code": result.status_code,
        "response_excerpt": result.excerpt[:EXCERPT_LENGTH],
        **_error_fields(result.message),
    }
    with transaction.atomic():
        if is_delivered(result):
            _delivered(delivery, fields)
        else:
            _failed(delivery, result, fields, now)


def is_delivered(result):
    return result.outcome == ANSWERED and 200 <= result.status_code < 300


def is_transient(result):
    """Whether another attempt later may go better."""
    if result.outcome == ERROR:
        return True
    code = result.status_code
    return result.outcome == ANSWERED and (code >= 500 or code in RETRY_STATUSES)


def _delivered(delivery, fields):
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.DELIVERED, **fields)
    # A retry still waiting has nothing left to do.
    _siblings(delivery).filter(status=DeliveryStatus.PENDING, manual=False).delete()
    # The receiver answers again: an endpoint that had stopped starts again.
    Endpoint.objects.filter(pk=delivery.endpoint_id).exclude(disabled_at=None).update(
        disabled_at=None, blocked_reason=""
    )


def _failed(delivery, result, fields, now):
    transient = is_transient(result) and not delivery.manual
    due = next_attempt_at(delivery, now) if transient else None
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED, next_attempt_at=due, **fields
    )
    if due is not None:
        _schedule(delivery, due, now)
    elif result.outcome == BLOCKED:
        _stop(delivery.endpoint_id, StopReason.BLOCKED, now)
    elif transient:
        _stop(delivery.endpoint_id, StopReason.UNREACHABLE, now)


def next_attempt_at(delivery, now):
    """When the attempt after this failed one is due: after the next wait of RETRY_WAITS, if
    that is within RETRY_WINDOW of the message's first attempt; None when it is not."""
    if delivery.attempt > len(RETRY_WAITS):
        return None
    due = now + RETRY_WAITS[delivery.attempt - 1]
    first = _siblings(delivery).aggregate(first=Min("created_at"))["first"]
    return due if due <= first + RETRY_WINDOW else None


def _schedule(delivery, due, now):
    last = _siblings(delivery).aggregate(last=Max("attempt"))["last"]
    retry = Delivery.objects.create(
        endpoint_id=delivery.endpoint_id,
        message_id=delivery.message_id,
        event_type=delivery.event_type,
        payload=delivery.payload,
        attempt=last + 1,
        due_at=due,
    )
    wait = due - now
    if wait <= COUNTDOWN_LIMIT:
        countdown = wait.total_seconds()
        transaction.on_commit(lambda: services.queue(retry.pk, countdown=countdown))


def _stop(endpoint_id, reason, now):
    logger.warning("Webhook endpoint %s stopped: %s", endpoint_id, reason)
    Endpoint.objects.filter(pk=endpoint_id, disabled_at=None).update(
        disabled_at=now, blocked_reason=reason
    )


def _siblings(delivery):
    """Every attempt of the same message to the same endpoint."""
    return Delivery.objects.filter(endpoint_id=delivery.endpoint_id, message_id=delivery.message_id)


def _error_fields(message):
    if not message:
        return {"error": "", "error_template": "", "error_params": {}}
    kept = storable(message)
    return {
        "error": kept["message"],
        "error_template": kept["message_template"],
        "error_params": kept["message_params"],
    }


def sweep(now=None):
    """Queue every attempt that is due and was not queued lately (its wait was long, or the
    broker lost it); an attempt taken long ago lost its worker and is due again. Returns how
    many were queued."""
    now = now or timezone.now()
    Delivery.objects.filter(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - SENDING_TIMEOUT
    ).update(status=DeliveryStatus.PENDING, queued_at=None)
    lost = now - REQUEUE_AFTER
    due = Delivery.objects.filter(
        Q(queued_at=None, due_at__lte=now) | Q(queued_at__lt=lost, due_at__lte=lost),
        status=DeliveryStatus.PENDING,
    ).order_by("due_at", "pk")
    queued = 0
    for delivery_id in due.values_list("pk", flat=True)[:SWEEP_BATCH]:
        if not services.queue(delivery_id):
            break  # the broker is still down: the next run tries again
        queued += 1
    return queued
