"""The API's first resource, read-only: an organisation's offers, by one of its keys. No key,
an unknown or a revoked key: 401. Another organisation's offer: 404."""

import pytest
from django.test import Client

from organisations import services
from tests.factories import OfferFactory, organisation_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_key(alice):
    _key, raw = services.make_key(organisation_of(alice), "ci", "read", made_by=alice)
    return raw


def api(raw=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}
    return Client(**headers)


def test_a_key_lists_its_organisations_offers_and_no_others(alice, bob, alice_key):
    mine = OfferFactory(owner=alice, app_name="Alice Route Planner")
    OfferFactory(owner=bob, app_name="Bob Tracker")

    response = api(alice_key).get("/api/v1/offers/")

    assert response.status_code == 200
    assert [
        (offer["id"], offer["app_name"], offer["status"]) for offer in response.json()["results"]
    ] == [(mine.pk, "Alice Route Planner", "draft")]


def test_another_organisations_offer_is_not_found(bob, alice_key):
    theirs = OfferFactory(owner=bob)

    assert api(alice_key).get(f"/api/v1/offers/{theirs.pk}/").status_code == 404


def test_an_offer_of_its_own_organisation_is_read_with_where_it_stands(alice, alice_key):
    offer = OfferFactory(owner=alice, app_name="Alice Route Planner")

    body = api(alice_key).get(f"/api/v1/offers/{offer.pk}/").json()

    assert (body["id"], body["status"], body["revision"], body["requirements_version"]) == (
        offer.pk,
        "draft",
        0,
        "2018-12",
    )


@pytest.mark.parametrize(
    ("authorization", "detail"),
    [
        (None, "Send an API key as “Authorization: Bearer <key>”."),
        ("Bearer od_00000000_unknown", "This API key is unknown or was revoked."),
        (
            "Bearer two words",
            "Send the key as “Authorization: Bearer <key>”, with nothing after it.",
        ),
        ("Basic YWxpY2U6c2VjcmV0", "Send an API key as “Authorization: Bearer <key>”."),
    ],
)
def test_without_a_working_key_the_answer_is_401_saying_why(authorization, detail):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}

    response = Client(**headers).get("/api/v1/offers/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    [refusal] = response.json()["errors"]
    assert (refusal["field"], refusal["message"]) == (None, detail)
    # No key at all, or a key that does not work.
    assert refusal["code"] in ("not_authenticated", "authentication_failed")


def test_a_revoked_key_gets_401_at_once(alice, alice_key):
    services.revoke_key(organisation_of(alice).api_keys.get())

    assert api(alice_key).get("/api/v1/offers/").status_code == 401


def test_the_api_speaks_the_language_asked_for():
    response = Client(HTTP_ACCEPT_LANGUAGE="nl").get("/api/v1/offers/")

    assert response.json()["errors"][0]["message"] == (
        "Stuur een API-sleutel als “Authorization: Bearer <sleutel>”."
    )


def test_the_schema_and_its_documentation_are_served_without_a_key_and_without_a_cdn():
    schema = Client().get("/api/schema/")
    docs = Client().get("/api/docs/")

    assert schema.status_code == 200
    assert b"bearer" in schema.content
    assert b"/api/v1/offers/" in schema.content
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


def test_the_documentation_page_allows_inline_styles_and_still_no_inline_script():
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in Client().get("/api/docs/")["Content-Security-Policy"].split(";")
    )

    assert "'unsafe-inline'" in policy["style-src"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-inline'" not in Client().get("/")["Content-Security-Policy"]


def test_other_web_sites_may_not_call_the_api_from_a_browser(alice_key):
    """CORS is off: no page of another origin can use a visitor's key through their browser."""
    preflight = api(alice_key).options(
        "/api/v1/offers/",
        HTTP_ORIGIN="https://elsewhere.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="PATCH",
    )
    read = api(alice_key).get("/api/v1/offers/", HTTP_ORIGIN="https://elsewhere.example")

    assert not preflight.has_header("Access-Control-Allow-Origin")
    assert not read.has_header("Access-Control-Allow-Origin")
