"""Every page carries a Content-Security-Policy without inline script, and what a signed-in
person is shown stays out of every cache."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

POLICY = (
    # data: is the QR code of the authenticator set-up (allauth draws it as a data: image).
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def directives(header):
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/signup/"])
def test_public_pages_carry_the_policy(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == directives(POLICY)


def test_no_page_allows_inline_or_evaluated_script(client, alice):
    client.force_login(alice)

    policy = directives(client.get(reverse("offers:list"))["Content-Security-Policy"])

    assert policy["script-src"] == "'self'"
    assert "unsafe" not in " ".join(policy.values())


def test_a_logo_keeps_its_own_stricter_policy(alice_client, draft):
    response = alice_client.get(reverse("offers:logo", kwargs={"pk": draft.pk, "slot": "40x40"}))

    assert response["Content-Security-Policy"] == "default-src 'none'"
    # And its own caching: private, checked again on each use.
    assert response["Cache-Control"] == "private, max-age=0, must-revalidate"


@pytest.mark.parametrize("name", ["offers:list", "offers:new", "accounts:profile"])
def test_a_signed_in_person_s_pages_are_never_stored(alice_client, name):
    response = alice_client.get(reverse(name))

    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control


def test_the_reviewer_s_pages_are_never_stored(reviewer_client, in_review):
    response = reviewer_client.get(reverse("review:offer", kwargs={"pk": in_review.pk}))

    assert {"private", "no-store"} <= {p.strip() for p in response["Cache-Control"].split(",")}


def test_an_anonymous_visitor_s_home_page_is_left_to_the_defaults(client):
    assert not client.get("/").has_header("Cache-Control")
