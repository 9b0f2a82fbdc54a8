"""A publisher's release script, end to end, with a plain HTTP client against a live server:
create an offer, fill it, upload four logos, submit, receive the webhooks on a local receiver
and verify them with the `standardwebhooks` library (not our code), then poll until the offer
is in review. The checks really fetch the publisher's pages, from a local site."""

import time

import pytest
import requests
from standardwebhooks.webhooks import Webhook

from tests.api.client import key_of
from tests.factories import organisation_of, png_bytes
from tests.local_site import serve
from tests.webhooks.receiver import receiving
from tests.wizard_data import API_ANSWERS
from webhooks import services as webhook_services
from webhooks.models import EventType

pytestmark = pytest.mark.django_db(transaction=True)

SLOTS = ((40, 40), (90, 90), (115, 115), (255, 115))


@pytest.fixture
def site_and_receiver(settings):
    with serve() as (site, _hits), receiving() as receiver:
        ports = (int(site.rsplit(":", 1)[1]), receiver.port)
        settings.URLCHECK_ALLOW_PRIVATE_NETWORKS = True
        settings.URLCHECK_ALLOWED_PORTS = (80, 443, *ports)
        yield site, receiver


def on(site, answers):
    """The answers with the publisher's pages on the local site."""
    technical = {**answers["technical"], "support_url": f"{site}/support"}
    marketing = {**answers["marketing"], "terms_url": f"{site}/terms"}
    marketing["privacy_url"] = f"{site}/privacy"
    return {"technical": technical, "business": answers["business"], "marketing": marketing}


def test_a_release_script_submits_an_offer_and_hears_back(alice, live_server, site_and_receiver):
    site, receiver = site_and_receiver
    _endpoint, secret = webhook_services.register(
        organisation_of(alice), receiver.url, list(EventType), created_by=alice
    )
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {key_of(alice)}"
    api = f"{live_server.url}/api/v1"
    answers = on(site, API_ANSWERS)

    created = session.post(f"{api}/offers/", json={"technical": answers["technical"]})
    assert created.status_code == 201, created.text
    offer = created.json()["id"]
    changed = session.patch(
        f"{api}/offers/{offer}/",
        json={"business": answers["business"], "marketing": answers["marketing"]},
        headers={"If-Match": created.headers["ETag"]},
    )
    assert changed.status_code == 200, changed.text
    for width, height in SLOTS:
        slot = f"{width}x{height}"
        logo = session.put(
            f"{api}/offers/{offer}/logos/{slot}/",
            files={"file": (f"{slot}.png", png_bytes(width, height), "image/png")},
        )
        assert logo.status_code == 200, logo.text
    submitted = session.post(f"{api}/offers/{offer}/submit/", headers={"Idempotency-Key": "r1"})
    assert submitted.status_code == 202, submitted.text

    assert poll_status(session, f"{api}/offers/{offer}/") == "in_review"
    messages = [
        Webhook(secret).verify(request.body, request.headers) for request in receiver.requests
    ]
    assert [message["type"] for message in messages] == [
        "offer.status_changed",
        "offer.submitted",
        "offer.status_changed",
        "offer.checks_finished",
        "offer.status_changed",
    ]
    finished = next(m for m in messages if m["type"] == "offer.checks_finished")
    assert sorted((c["kind"], c["outcome"]) for c in finished["data"]["checks"]) == sorted(
        [("logo", "passed")] * 4
        + [("privacy_url", "passed"), ("support_url", "passed"), ("terms_url", "passed")]
    )
    assert messages[-1]["data"]["offer"] == {
        "id": offer,
        "app_name": "Alice Route Planner",
        "status": "in_review",
        "revision": 1,
    }


def poll_status(session, url, *, wanted="in_review", seconds=30):
    """As a release script polls: the offer's status until it is `wanted`, or the last seen."""
    deadline = time.monotonic() + seconds
    status = None
    while time.monotonic() < deadline:
        status = session.get(url).json()["status"]
        if status == wanted:
            break
        time.sleep(0.2)
    return status
