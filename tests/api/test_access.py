"""Who may call what, endpoint by endpoint: a read-and-write key of the offer's organisation, a
read key of it, a revoked key of it, a working key of another organisation, and no key.

Another organisation's offer answers 404, never a hint that it exists; a read key may not
change anything (403); a request without a working key gets 401."""

import pytest
from django.test.client import encode_multipart
from drf_spectacular.generators import SchemaGenerator

from organisations import services
from tests.api.client import api, key_of
from tests.factories import OfferFactory, organisation_of, png_upload

pytestmark = pytest.mark.django_db

OK, CREATED, ACCEPTED = 200, 201, 202
UNAUTHORISED, FORBIDDEN, NOT_FOUND = 401, 403, 404

# (method, path, the offer's status) -> for the offer's organisation's write key, its read key,
# its revoked key, another organisation's write key, no key.
ENDPOINTS = {
    ("get", "/api/v1/offers/", "draft"): (OK, OK, UNAUTHORISED, OK, UNAUTHORISED),
    ("post", "/api/v1/offers/", "draft"): (CREATED, FORBIDDEN, UNAUTHORISED, CREATED, 401),
    ("get", "/api/v1/offers/{pk}/", "draft"): (OK, OK, UNAUTHORISED, NOT_FOUND, UNAUTHORISED),
    ("patch", "/api/v1/offers/{pk}/", "draft"): (OK, FORBIDDEN, 401, NOT_FOUND, UNAUTHORISED),
    ("post", "/api/v1/offers/{pk}/submit/", "draft"): (ACCEPTED, FORBIDDEN, 401, NOT_FOUND, 401),
    ("post", "/api/v1/offers/{pk}/withdraw/", "in_review"): (OK, FORBIDDEN, 401, NOT_FOUND, 401),
    ("get", "/api/v1/offers/{pk}/checks/", "draft"): (OK, OK, 401, NOT_FOUND, UNAUTHORISED),
    ("get", "/api/v1/offers/{pk}/events/", "draft"): (OK, OK, 401, NOT_FOUND, UNAUTHORISED),
    ("get", "/api/v1/offers/{pk}/logos/40x40/", "draft"): (OK, OK, 401, NOT_FOUND, 401),
    ("put", "/api/v1/offers/{pk}/logos/40x40/", "draft"): (OK, FORBIDDEN, 401, NOT_FOUND, 401),
    ("get", "/api/v1/requirements/", "draft"): (OK, OK, UNAUTHORISED, OK, UNAUTHORISED),
    ("get", "/api/v1/requirements/2018-12/", "draft"): (OK, OK, UNAUTHORISED, OK, UNAUTHORISED),
}
CALLERS = ("write key", "read key", "revoked key", "another organisation's key", "no key")


def _key(caller, alice, bob):
    if caller == "no key":
        return None
    if caller == "another organisation's key":
        return key_of(bob)
    raw = key_of(alice, scope="read" if caller == "read key" else "write", name=caller)
    if caller == "revoked key":
        services.revoke_key(organisation_of(alice).api_keys.get(name=caller))
    return raw


def _call(client, method, path):
    if method == "put":
        body = encode_multipart("B", {"file": png_upload(40, 40)})
        return client.put(path, body, content_type="multipart/form-data; boundary=B")
    body = {"marketing": {"app_name": "Planner"}} if method == "patch" else {}
    return getattr(client, method)(path, body, content_type="application/json")


@pytest.mark.parametrize(("method", "path", "status"), list(ENDPOINTS))
@pytest.mark.parametrize("caller", CALLERS)
def test_every_endpoint_answers_each_caller_as_the_table_says(
    alice, bob, caller, method, path, status
):
    offer = OfferFactory(owner=alice, status=status)
    client = api(_key(caller, alice, bob))

    response = _call(client, method, path.format(pk=offer.pk))

    expected = ENDPOINTS[(method, path, status)][CALLERS.index(caller)]
    assert response.status_code == expected, response.content[:300]


def test_the_table_covers_every_operation_of_the_schema():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {
        (method, path)
        for path, item in schema["paths"].items()
        if path.startswith("/api/v1/")
        for method in item
    }

    assert {(method, _templated(path)) for method, path, _status in ENDPOINTS} == operations


def _templated(path):
    for value, name in (("{pk}", "{id}"), ("40x40", "{slot}"), ("2018-12", "{version}")):
        path = path.replace(value, name)
    return path
