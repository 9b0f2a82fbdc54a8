"""The publisher's wizard through the test client: every step saved at once, resumable."""

import pytest
from django.urls import reverse

from offers.models import Offer, OfferStatus
from tests.factories import OfferFactory, png_upload

pytestmark = pytest.mark.django_db

PUBLISHER = {
    "company_name": "Alice Apps",
    "registration_type": "mpn",
    "mpn_id": "4512345",
    "marketplace_publisher_id": "",
    "microsoft_account": "partner@alice.example",
}
TECHNICAL = {
    "aad_application_id": "0f8fad5b-d9cb-469f-a165-70867728950e",
    "aad_sso_consent": "on",
    "integrations": ["power_bi", "flow"],
    "business_process": "Route planning for field engineers.",
    "work_credentials": "on",
    "trial_type": "free_trial",
    "trial_days": "30",
    "low_configuration": "on",
    "support_url": "https://alice.example/support",
    "uptime_percent": "99.95",
}
BUSINESS = {
    "own_ordering_and_billing": "on",
    "support_model": "community",
    "licensing_responsibility": "on",
}
MARKETING = {
    "app_name": "Alice Route Planner",
    "description": "<p>Plans <b>routes</b>.</p><script>alert(1)</script>",
    "terms_url": "https://alice.example/terms",
    "privacy_url": "https://alice.example/privacy",
}


def step_url(offer, step):
    return reverse("offers:wizard", kwargs={"pk": offer.pk, "step": step})


def post_step(client, offer, step, data, files=None):
    payload = {f"{step}-{key}": value for key, value in data.items()}
    payload[f"offer-{offer.pk}-current_step"] = step
    payload.update(files or {})
    return client.post(step_url(offer, step), payload)


def logo_files(sizes=((40, 40), (90, 90), (115, 115), (255, 115))):
    return {f"marketing-logo_{w}x{h}": png_upload(w, h) for w, h in sizes}


def test_the_whole_wizard_creates_and_submits_an_offer(client, newcomer):
    client.force_login(newcomer)

    response = client.post(reverse("offers:new"), PUBLISHER)
    offer = Offer.objects.get(owner=newcomer)
    assert response.status_code == 302
    assert response["Location"] == step_url(offer, "technical")
    assert newcomer.publisher_profile.mpn_id == "4512345"

    assert post_step(client, offer, "technical", TECHNICAL)["Location"] == step_url(
        offer, "business"
    )
    assert post_step(client, offer, "business", BUSINESS)["Location"] == step_url(
        offer, "marketing"
    )
    response = post_step(client, offer, "marketing", MARKETING, logo_files())
    assert response["Location"] == step_url(offer, "review")

    response = post_step(client, offer, "review", {})

    offer.refresh_from_db()
    assert response["Location"] == reverse("offers:detail", kwargs={"pk": offer.pk})
    assert offer.status == OfferStatus.SUBMITTED
    assert offer.requirements_version == "2018-12"
    assert offer.description_html == "<p>Plans <b>routes</b>.</p>alert(1)"
    assert offer.integrations == ["power_bi", "flow"]
    assert sorted(offer.logos.values_list("slot", flat=True)) == [
        "115x115",
        "255x115",
        "40x40",
        "90x90",
    ]


def test_each_valid_step_is_in_the_database_before_the_next_one(alice_client, alice):
    offer = OfferFactory(owner=alice, app_name="", trial_type="", with_logos=False)

    post_step(alice_client, offer, "technical", {**TECHNICAL, "uptime_percent": "99.99"})

    offer.refresh_from_db()
    assert str(offer.uptime_percent) == "99.990"
    assert offer.trial_days == 30


def test_resuming_after_logout_opens_the_first_incomplete_step(client, alice, password):
    offer = OfferFactory(owner=alice, support_model="", with_logos=False)
    client.force_login(alice)
    client.post(reverse("logout"))

    client.post(reverse("login"), {"username": "alice@example.com", "password": password})
    response = client.get(reverse("offers:wizard_resume", kwargs={"pk": offer.pk}))

    assert response["Location"] == step_url(offer, "business")
