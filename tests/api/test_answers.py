"""Answers through the API are the wizard's answers: the same forms accept and refuse them,
and a refusal is data (code, field, message) in the language asked for."""

import pytest

from offers.models import EventKind, Offer, OfferEvent
from tests.api.client import api, key_of, send
from tests.factories import OfferFactory, organisation_of
from tests.wizard_data import API_ANSWERS

pytestmark = pytest.mark.django_db


def test_a_script_starts_a_draft_with_its_answers_and_the_key_is_named(alice, writer):
    response = send(writer, "post", "/api/v1/offers/", {"technical": API_ANSWERS["technical"]})

    assert response.status_code == 201
    body = response.json()
    offer = Offer.objects.get(pk=body["id"])
    assert (offer.organisation, offer.created_by, offer.api_key.name) == (
        organisation_of(alice),
        None,
        "release script",
    )
    assert response["Location"] == f"/api/v1/offers/{offer.pk}/"
    assert body["technical"]["uptime_percent"] == "99.95"
    assert body["technical"]["trial_days"] == 30
    assert body["incomplete_steps"] == ["business", "marketing"]
    assert body["started_by"] == "API key “release script”"
    assert [(e.kind, e.steps, e.actor, e.api_key.name) for e in offer.events.all()] == [
        (EventKind.STARTED, ["technical"], None, "release script")
    ]


def test_a_refused_draft_is_not_kept(writer):
    response = send(writer, "post", "/api/v1/offers/", {"technical": {"uptime_percent": "99.5"}})

    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "code": "min_value",
                "field": "technical.uptime_percent",
                "message": "The marketplace requires an uptime of at least 99.9%.",
            }
        ]
    }
    assert Offer.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"publisher": {"mpn_id": "45AB"}},
            ("mpn_not_numeric", "publisher.mpn_id"),
        ),
        (
            {"technical": {"aad_application_id": "not-a-guid"}},
            ("invalid", "technical.aad_application_id"),
        ),
        (
            {"marketing": {"description": "<img src=x onerror=alert(1)>"}},
            ("empty", "marketing.description"),
        ),
        ({"technical": {"trial_days": "thirty"}}, ("type", "technical.trial_days")),
        ({"technical": {"aad_sso_consent": "yes"}}, ("type", "technical.aad_sso_consent")),
        ({"technical": {"integrations": ["teams"]}}, ("invalid_choice", "technical.integrations")),
        ({"technical": {"colour": "blue"}}, ("unknown", "technical.colour")),
        ({"pricing": {}}, ("unknown", "pricing")),
        ({"business": ["free"]}, ("type", "business")),
    ],
)
def test_a_change_the_wizard_would_refuse_is_refused_naming_the_field(
    alice, writer, change, expected
):
    offer = OfferFactory(owner=alice)

    response = send(writer, "patch", f"/api/v1/offers/{offer.pk}/", change)

    assert response.status_code == 400
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [expected]


def test_a_part_of_a_step_is_saved_and_the_rest_stays_as_stored(alice, writer):
    offer = OfferFactory(owner=alice, uptime_percent="99.95", support_url="https://a.example/")

    response = send(
        writer, "patch", f"/api/v1/offers/{offer.pk}/", {"technical": {"uptime_percent": 99.99}}
    )

    assert response.status_code == 200
    offer.refresh_from_db()
    assert (str(offer.uptime_percent), offer.support_url) == ("99.990", "https://a.example/")
    assert OfferEvent.objects.get(offer=offer).steps == ["technical"]


def test_the_html_description_is_kept_as_the_wizard_keeps_it(alice, writer):
    offer = OfferFactory(owner=alice)

    body = send(
        writer, "patch", f"/api/v1/offers/{offer.pk}/", {"marketing": API_ANSWERS["marketing"]}
    ).json()

    assert body["marketing"]["description"] == "<p>Plans <b>routes</b>.</p>alert(1)"


def test_messages_come_in_the_language_asked_for(alice):
    offer = OfferFactory(owner=alice)
    dutch = api(key_of(alice), language="nl")

    response = send(
        dutch, "patch", f"/api/v1/offers/{offer.pk}/", {"technical": {"uptime_percent": "99.5"}}
    )

    assert response.json()["errors"][0]["message"] == (
        "De Marketplace vereist een uptime van ten minste 99.9%."
    )


def test_a_change_made_since_the_script_read_the_offer_is_not_overwritten(alice, writer):
    offer = OfferFactory(owner=alice)
    etag = writer.get(f"/api/v1/offers/{offer.pk}/")["ETag"]
    send(writer, "patch", f"/api/v1/offers/{offer.pk}/", {"marketing": {"app_name": "First"}})

    late = send(
        writer,
        "patch",
        f"/api/v1/offers/{offer.pk}/",
        {"marketing": {"app_name": "Second"}},
        HTTP_IF_MATCH=etag,
    )

    assert late.status_code == 412
    assert late.json()["errors"][0]["code"] == "changed"
    offer.refresh_from_db()
    assert offer.app_name == "First"


def test_the_etag_read_last_lets_the_change_through(alice, writer):
    offer = OfferFactory(owner=alice)
    etag = writer.get(f"/api/v1/offers/{offer.pk}/")["ETag"]

    response = send(
        writer,
        "patch",
        f"/api/v1/offers/{offer.pk}/",
        {"marketing": {"app_name": "Second"}},
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == 200
    assert response["ETag"] != etag


def test_a_submitted_offer_cannot_change(alice, writer):
    offer = OfferFactory(owner=alice, status="in_review")

    response = send(
        writer, "patch", f"/api/v1/offers/{offer.pk}/", {"marketing": {"app_name": "X"}}
    )

    assert (response.status_code, response.json()["errors"][0]["code"]) == (409, "not_editable")


def test_a_read_key_may_not_change_answers(alice):
    offer = OfferFactory(owner=alice)
    reader = api(key_of(alice, scope="read"))

    response = send(
        reader, "patch", f"/api/v1/offers/{offer.pk}/", {"marketing": {"app_name": "X"}}
    )

    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "permission_denied"


def test_a_body_that_is_not_an_object_starts_no_draft(writer):
    response = send(writer, "post", "/api/v1/offers/", ["technical"])

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"code": "type", "field": None, "message": "Send a JSON object."}
    ]
    assert Offer.objects.count() == 0


def test_an_empty_body_starts_an_empty_draft(writer):
    response = send(writer, "post", "/api/v1/offers/")

    assert (response.status_code, response.json()["incomplete_steps"]) == (
        201,
        ["technical", "business", "marketing"],
    )
