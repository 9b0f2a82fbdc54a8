"""Safe to retry: an Idempotency-Key replays the first answer for a day, and a key that sends
too much is told when to come back."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.test.client import encode_multipart
from django.utils import timezone

from api import idempotency
from api.models import IdempotentRequest
from offers.models import Offer, OfferEvent, OfferStatus
from tests.api.client import send
from tests.factories import OfferFactory, png_bytes

pytestmark = pytest.mark.django_db

CREATE = {"marketing": {"app_name": "Planner"}}


def test_a_create_sent_twice_with_one_key_makes_one_offer(writer):
    first = send(writer, "post", "/api/v1/offers/", CREATE, HTTP_IDEMPOTENCY_KEY="a1")
    again = send(writer, "post", "/api/v1/offers/", CREATE, HTTP_IDEMPOTENCY_KEY="a1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert (again["Location"], again["ETag"]) == (first["Location"], first["ETag"])
    assert again["Idempotent-Replayed"] == "true"
    assert Offer.objects.count() == 1


def test_another_key_makes_another_offer(writer):
    send(writer, "post", "/api/v1/offers/", CREATE, HTTP_IDEMPOTENCY_KEY="a1")
    send(writer, "post", "/api/v1/offers/", CREATE, HTTP_IDEMPOTENCY_KEY="a2")

    assert Offer.objects.count() == 2


def test_a_submit_sent_twice_submits_once(alice, writer):
    offer = OfferFactory(owner=alice)
    url = f"/api/v1/offers/{offer.pk}/submit/"

    first = send(writer, "post", url, HTTP_IDEMPOTENCY_KEY="s1")
    again = send(writer, "post", url, HTTP_IDEMPOTENCY_KEY="s1")

    assert (first.status_code, again.status_code) == (202, 202)
    assert OfferEvent.objects.filter(offer=offer, to_status=OfferStatus.SUBMITTED).count() == 1


def test_a_refusal_is_replayed_too(writer):
    bad = {"technical": {"uptime_percent": "99"}}
    first = send(writer, "post", "/api/v1/offers/", bad, HTTP_IDEMPOTENCY_KEY="b1")
    again = send(writer, "post", "/api/v1/offers/", bad, HTTP_IDEMPOTENCY_KEY="b1")

    assert (first.status_code, again.status_code) == (400, 400)
    assert again.json() == first.json()


def test_a_refusal_that_echoes_a_nul_in_a_field_name_is_kept_and_replayed(writer):
    # The error names the unknown field, NUL and all: PostgreSQL's jsonb could not keep it.
    bad = {"publisher": {"na\u0000me": "x"}}
    first = send(writer, "post", "/api/v1/offers/", bad, HTTP_IDEMPOTENCY_KEY="n1")
    again = send(writer, "post", "/api/v1/offers/", bad, HTTP_IDEMPOTENCY_KEY="n1")

    assert (first.status_code, again.status_code) == (400, 400)
    assert first.json()["errors"][0]["field"] == "publisher.na\u0000me"
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"


def test_the_same_key_with_another_request_is_refused(writer):
    send(writer, "post", "/api/v1/offers/", CREATE, HTTP_IDEMPOTENCY_KEY="c1")

    other = send(
        writer,
        "post",
        "/api/v1/offers/",
        {"marketing": {"app_name": "Other"}},
        HTTP_IDEMPOTENCY_KEY="c1",
    )

    assert other.status_code == 422
    assert other.json()["errors"][0] == {
        "code": "idempotency_key_reused",
        "field": "Idempotency-Key",
        "message": "This Idempotency-Key was sent with another request. Use a new key for each "
        "request.",
    }


def test_a_retry_while_the_first_is_under_way_is_asked_to_wait(writer):
    send(writer, "post", "/api/v1/offers/", CREATE, HTTP_IDEMPOTENCY_KEY="d1")
    # As it is while the first request is still at work: claimed, no answer yet.
    IdempotentRequest.objects.filter(key="d1").update(status_code=None)

    again = send(writer, "post", "/api/v1/offers/", CREATE, HTTP_IDEMPOTENCY_KEY="d1")

    assert (again.status_code, again["Retry-After"]) == (409, "1")


def test_after_a_day_the_key_is_forgotten(writer):
    send(writer, "post", "/api/v1/offers/", CREATE, HTTP_IDEMPOTENCY_KEY="e1")
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=25))

    assert idempotency.forget_expired() == 1
    send(writer, "post", "/api/v1/offers/", CREATE, HTTP_IDEMPOTENCY_KEY="e1")
    assert Offer.objects.count() == 2


def test_the_same_logo_sent_again_replays_though_its_boundary_differs(alice, writer):
    offer = OfferFactory(owner=alice, with_logos=False)
    url = f"/api/v1/offers/{offer.pk}/logos/40x40/"
    answers = []
    for boundary in ("one", "two"):
        upload = SimpleUploadedFile("l.png", png_bytes(40, 40), "image/png")
        body = encode_multipart(boundary, {"file": upload})
        answers.append(
            writer.put(
                url,
                body,
                content_type=f"multipart/form-data; boundary={boundary}",
                HTTP_IDEMPOTENCY_KEY="f1",
            )
        )

    assert [a.status_code for a in answers] == [200, 200]
    assert answers[1]["Idempotent-Replayed"] == "true"
    assert offer.events.count() == 1


@override_settings(API_RATE_PER_KEY="3/minute")
def test_a_key_past_its_rate_is_told_when_to_come_back(writer):
    cache.clear()
    statuses = [writer.get("/api/v1/offers/").status_code for _ in range(4)]
    refused = writer.get("/api/v1/offers/")

    assert statuses == [200, 200, 200, 429]
    assert refused["Retry-After"] == "60"
    assert refused.json()["errors"][0]["code"] == "throttled"
