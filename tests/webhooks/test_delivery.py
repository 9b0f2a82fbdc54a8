"""Delivering a message to a real receiver on 127.0.0.1: signed as Standard Webhooks says (and
checked with that library, not our code), sent once per attempt however often its task comes,
tried again with backoff for a day on errors and 5xx, final on a 4xx or a refused address."""

import socket
from datetime import timedelta

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError
from standardwebhooks import Webhook, WebhookVerificationError

from tests.factories import OfferFactory, organisation_of
from webhooks import delivery, services, tasks
from webhooks.models import Delivery, DeliveryStatus, Endpoint

pytestmark = pytest.mark.django_db

REFUSED = "The site 127.0.0.1 refused the connection. Check that its web server is running."
NOT_REACHABLE = "This address is not reachable from the internet."
WAITS = [
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
]


@pytest.fixture
def offer(alice):
    return OfferFactory(owner=alice, app_name="Alice Route Planner")


def emit(offer, after_commit):
    with after_commit():
        services.emit(offer, "offer.submitted", {})


def time_passes(wait):
    """Every delivery's times move back by `wait`, as if that much time had passed."""
    times = ("created_at", "due_at", "queued_at", "claimed_at", "sent_at", "next_attempt_at")
    Delivery.objects.update(**{name: F(name) - wait for name in times})


def run_due():
    """The task of each attempt now due, as its countdown or the sweeper would queue it."""
    due = Delivery.objects.filter(status=DeliveryStatus.PENDING, due_at__lte=timezone.now())
    for delivery_id in due.values_list("pk", flat=True):
        tasks.deliver.apply(kwargs={"delivery_id": delivery_id})


def attempts():
    return list(
        Delivery.objects.order_by("attempt").values_list("attempt", "status", "status_code")
    )


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_message_is_signed_so_that_a_standard_webhooks_library_verifies_it(
    offer, receiver, secret, after_commit
):
    emit(offer, after_commit)

    [request] = receiver.requests
    sent = Delivery.objects.get()
    assert Webhook(secret).verify(request.body, request.headers) == {
        "type": "offer.submitted",
        "timestamp": sent.payload["timestamp"],
        "data": {
            "offer": {
                "id": offer.pk,
                "app_name": "Alice Route Planner",
                "status": "draft",
                "revision": 0,
            }
        },
    }
    assert request.headers["webhook-id"] == sent.message_id
    assert sent.message_id.startswith("msg_")
    assert request.headers["Content-Type"] == "application/json"
    assert (sent.status, sent.attempt, sent.status_code) == ("delivered", 1, 204)


def test_another_secret_does_not_verify_the_message(offer, receiver, registered, after_commit):
    emit(offer, after_commit)
    _endpoint, other = services.register(
        organisation_of(offer.created_by), receiver.url, ["offer.approved"], created_by=None
    )

    [request] = receiver.requests
    with pytest.raises(WebhookVerificationError, match="No matching signature found"):
        Webhook(other).verify(request.body, request.headers)


def test_the_secret_is_whsec_and_32_random_bytes(registered):
    endpoint, secret = registered

    assert secret.startswith("whsec_")
    assert len(Webhook(secret)._whsecret) == 32
    assert endpoint.secret == secret


def test_a_task_delivered_twice_sends_once(offer, receiver, endpoint, after_commit):
    emit(offer, after_commit)
    sent = Delivery.objects.get()

    tasks.deliver.apply(kwargs={"delivery_id": sent.pk})
    tasks.deliver.apply(kwargs={"delivery_id": sent.pk})

    assert len(receiver.requests) == 1
    assert attempts() == [(1, "delivered", 204)]


def test_an_attempt_is_taken_by_one_worker_only(offer, endpoint, monkeypatch, after_commit):
    monkeypatch.setattr(services, "queue", lambda delivery_id, countdown=None: True)
    emit(offer, after_commit)  # written, not sent
    waiting = Delivery.objects.get()

    first, second = delivery.claim(waiting.pk), delivery.claim(waiting.pk)

    assert (first.pk, first.status, second) == (waiting.pk, "sending", None)


def test_a_5xx_is_tried_again_after_5_seconds_then_5_minutes_with_the_same_message_id(
    offer, receiver, endpoint, after_commit
):
    receiver.answer(500, 503)
    emit(offer, after_commit)

    first = Delivery.objects.get(attempt=1)
    assert (first.status, first.status_code, first.response_excerpt) == (
        "failed",
        500,
        "answer 500",
    )
    assert first.next_attempt_at - first.sent_at == timedelta(seconds=5)
    second = Delivery.objects.get(attempt=2)
    assert (second.status, second.due_at, second.message_id) == (
        "pending",
        first.next_attempt_at,
        first.message_id,
    )
    # Its task came at once (the test settings run tasks eagerly) and found nothing due yet.
    assert len(receiver.requests) == 1

    time_passes(timedelta(seconds=5))
    run_due()
    second.refresh_from_db()
    assert (second.status, second.status_code) == ("failed", 503)
    assert second.next_attempt_at - second.sent_at == timedelta(minutes=5)

    time_passes(timedelta(minutes=5))
    run_due()
    assert attempts() == [(1, "failed", 500), (2, "failed", 503), (3, "delivered", 204)]
    assert [r.headers["webhook-id"] for r in receiver.requests] == [first.message_id] * 3
    assert len({r.body for r in receiver.requests}) == 1


def test_a_refused_connection_is_tried_again_after_the_backoff(
    alice, offer, settings, after_commit
):
    port = closed_port()
    settings.URLCHECK_ALLOW_PRIVATE_NETWORKS = True
    settings.URLCHECK_ALLOWED_PORTS = (80, 443, port)
    services.register(
        organisation_of(alice),
        f"http://127.0.0.1:{port}/hooks",
        ["offer.submitted"],
        created_by=alice,
    )

    emit(offer, after_commit)

    first = Delivery.objects.get(attempt=1)
    assert (first.status, first.status_code, first.error) == ("failed", None, REFUSED)
    assert first.next_attempt_at - first.sent_at == timedelta(seconds=5)
    assert Delivery.objects.get(attempt=2).status == "pending"
    assert Endpoint.objects.get().disabled_at is None


def test_after_a_day_of_failures_the_endpoint_stops_as_unreachable(
    offer, receiver, endpoint, after_commit
):
    receiver.answer(*[500] * 7)
    emit(offer, after_commit)

    waits = []
    failed = Delivery.objects.filter(status=DeliveryStatus.FAILED).order_by("attempt")
    while (latest := failed.last()).next_attempt_at:
        waits.append(latest.next_attempt_at - latest.sent_at)
        time_passes(waits[-1])
        run_due()

    assert waits == WAITS
    assert len(receiver.requests) == 7
    assert (latest.attempt, latest.status) == (7, "failed")
    endpoint.refresh_from_db()
    assert (endpoint.is_stopped, endpoint.blocked_reason) == (True, "unreachable")
    # A stopped endpoint receives no new events.
    emit(offer, after_commit)
    assert (len(receiver.requests), Delivery.objects.count()) == (7, 7)


def test_no_attempt_is_made_more_than_24_hours_after_the_first(
    offer, receiver, endpoint, after_commit
):
    receiver.answer(500, 500)
    emit(offer, after_commit)
    time_passes(timedelta(hours=23, minutes=59))

    run_due()  # the second attempt fails; the third would come 5 minutes later: too late

    assert attempts() == [(1, "failed", 500), (2, "failed", 500)]
    assert Delivery.objects.get(attempt=2).next_attempt_at is None
    endpoint.refresh_from_db()
    assert endpoint.blocked_reason == "unreachable"


@pytest.mark.parametrize("status", [408, 429, 502])
def test_answers_that_say_later_are_tried_again(offer, receiver, endpoint, after_commit, status):
    receiver.answer(status)

    emit(offer, after_commit)

    assert attempts() == [(1, "failed", status), (2, "pending", None)]


@pytest.mark.parametrize("status", [400, 401, 404, 410, 302])
def test_a_4xx_or_a_redirect_is_final_and_shown_but_the_endpoint_goes_on(
    offer, receiver, endpoint, after_commit, alice_client, status
):
    receiver.answer(status)

    emit(offer, after_commit)

    assert attempts() == [(1, "failed", status)]
    assert Delivery.objects.get().next_attempt_at is None
    assert [r.path for r in receiver.requests] == ["/hooks"]  # the redirect is not followed
    endpoint.refresh_from_db()
    assert endpoint.disabled_at is None
    log = alice_client.get(reverse("organisations:webhook", args=[endpoint.pk]))
    [shown] = log.context["deliveries"]
    assert f"Answered {shown.answer}" in log.content.decode()


def test_a_private_address_without_the_operator_setting_is_refused_once_and_stops_the_endpoint(
    offer, receiver, endpoint, settings, after_commit, alice_client
):
    settings.URLCHECK_ALLOW_PRIVATE_NETWORKS = False  # its port stays allowed: the address refuses

    emit(offer, after_commit)

    [refused] = Delivery.objects.all()
    assert (refused.status, refused.next_attempt_at, refused.error) == (
        "failed",
        None,
        NOT_REACHABLE,
    )
    assert receiver.requests == []
    endpoint.refresh_from_db()
    assert (endpoint.is_stopped, endpoint.blocked_reason) == (True, "blocked")
    page = alice_client.get(reverse("organisations:webhooks")).content.decode()
    assert "Stopped: Its address is not allowed." in page
    log = alice_client.get(reverse("organisations:webhook", args=[endpoint.pk])).content.decode()
    assert NOT_REACHABLE in log
    assert "Deliveries stopped on " in log


def test_sending_again_makes_a_new_attempt_with_the_same_message_id(
    offer, receiver, endpoint, secret, after_commit
):
    receiver.answer(404)
    emit(offer, after_commit)
    first = Delivery.objects.get()

    with after_commit():
        again = services.send_again(first)

    assert (again.attempt, again.manual, again.message_id) == (2, True, first.message_id)
    assert attempts() == [(1, "failed", 404), (2, "delivered", 204)]
    [one, two] = receiver.requests
    assert one.headers["webhook-id"] == two.headers["webhook-id"] == first.message_id
    assert one.body == two.body
    assert Webhook(secret).verify(two.body, two.headers)["type"] == "offer.submitted"


def test_an_attempt_sent_again_by_hand_is_tried_once(offer, receiver, endpoint, after_commit):
    receiver.answer(404, 500)
    emit(offer, after_commit)

    with after_commit():
        services.send_again(Delivery.objects.get())

    assert attempts() == [(1, "failed", 404), (2, "failed", 500)]
    assert Delivery.objects.get(attempt=2).next_attempt_at is None


def test_a_delivery_sent_again_restarts_a_stopped_endpoint_and_the_waiting_retry_is_dropped(
    offer, receiver, endpoint, after_commit
):
    receiver.answer(500)
    emit(offer, after_commit)  # the first attempt fails; the second waits
    Endpoint.objects.update(disabled_at=timezone.now(), blocked_reason="unreachable")

    with after_commit():
        services.send_again(Delivery.objects.get(attempt=1))
    time_passes(timedelta(minutes=1))
    run_due()

    assert attempts() == [(1, "failed", 500), (3, "delivered", 204)]
    assert len(receiver.requests) == 2
    endpoint.refresh_from_db()
    assert (endpoint.disabled_at, endpoint.blocked_reason) == (None, "")


def test_the_sweeper_queues_what_the_broker_did_not_take(
    offer, receiver, endpoint, monkeypatch, after_commit
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patched:
        patched.setattr(tasks.deliver, "apply_async", broker_down)
        emit(offer, after_commit)
    assert (receiver.requests, Delivery.objects.get().queued_at) == ([], None)

    assert tasks.sweep_deliveries.apply().get() == 1

    assert attempts() == [(1, "delivered", 204)]


def test_a_long_wait_is_left_to_the_sweeper(offer, receiver, endpoint, after_commit):
    receiver.answer(500, 500, 500)
    emit(offer, after_commit)
    for wait in WAITS[:2]:
        time_passes(wait)
        run_due()
    fourth = Delivery.objects.get(attempt=4)
    # Due in 2 hours: too long to wait in the broker, so never queued with a countdown.
    assert (fourth.status, fourth.queued_at) == ("pending", None)

    assert delivery.sweep() == 0  # not due yet
    time_passes(WAITS[3])
    assert delivery.sweep() == 1

    assert attempts()[-1] == (4, "delivered", 204)


def test_the_sweeper_takes_back_an_attempt_whose_worker_died(
    offer, receiver, endpoint, monkeypatch, after_commit
):
    monkeypatch.setattr(services, "queue", lambda delivery_id, countdown=None: True)
    emit(offer, after_commit)
    held = delivery.claim(Delivery.objects.get().pk)  # and its worker died
    monkeypatch.undo()
    assert delivery.sweep() == 0  # it may still be sending

    time_passes(delivery.SENDING_TIMEOUT + timedelta(seconds=1))
    assert delivery.sweep() == 1

    assert attempts() == [(held.attempt, "delivered", 204)]
