"""Logos, submitting and withdrawing through the API: the wizard's checks and the workflow's
refusals, as data."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import encode_multipart

from offers.models import EventKind, Offer, OfferStatus
from tests.api.client import send
from tests.factories import OfferFactory, png_upload

pytestmark = pytest.mark.django_db


def test_a_logo_of_the_right_size_is_stored_and_its_clean_copy_served(alice, writer):
    offer = OfferFactory(owner=alice, with_logos=False)

    response = put_logo(writer, offer, "40x40", {"file": png_upload(40, 40)})

    assert response.status_code == 200
    [logo] = response.json()["logos"]
    assert (logo["slot"], logo["width"], logo["height"]) == ("40x40", 40, 40)
    served = writer.get(logo["url"])
    assert (served.status_code, served["Content-Type"]) == (200, "image/png")
    assert offer.events.get().steps == ["marketing"]


@pytest.mark.parametrize(
    ("file", "code"),
    [
        (png_upload(41, 40), "logo_wrong_size"),
        (
            SimpleUploadedFile("logo.png", b"\xff\xd8\xff\xe0" + b"0" * 200, "image/png"),
            "logo_not_png",
        ),
    ],
)
def test_a_logo_the_wizard_would_refuse_is_refused_with_its_reason(alice, writer, file, code):
    offer = OfferFactory(owner=alice, with_logos=False)

    response = put_logo(writer, offer, "40x40", {"file": file})

    assert response.status_code == 400
    [refusal] = response.json()["errors"]
    assert (refusal["code"], refusal["field"]) == (code, "logos.40x40")
    assert offer.logos.count() == 0


def test_a_41_by_40_logo_is_refused_with_its_size(alice, writer):
    offer = OfferFactory(owner=alice, with_logos=False)

    response = put_logo(writer, offer, "40x40", {"file": png_upload(41, 40)})

    assert response.json()["errors"][0]["message"] == (
        "This logo is 41 × 40 pixels; the 40 × 40 slot needs exactly 40 × 40."
    )


def test_a_slot_the_requirements_do_not_have_is_not_found(alice, writer):
    offer = OfferFactory(owner=alice, with_logos=False)

    response = put_logo(writer, offer, "48x48", {"file": png_upload(48, 48)})

    assert response.status_code == 404


def test_an_upload_without_a_file_says_how_to_send_it(alice, writer):
    offer = OfferFactory(owner=alice, with_logos=False)

    response = put_logo(writer, offer, "40x40", {"image": png_upload(40, 40)})

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "logos.40x40"


def test_an_incomplete_offer_is_not_submitted_and_every_missing_answer_is_named(alice, writer):
    offer = OfferFactory(owner=alice, with_logos=False, uptime_percent=None, app_name="")

    response = send(writer, "post", f"/api/v1/offers/{offer.pk}/submit/")

    assert response.status_code == 409
    assert [(e["code"], e["field"]) for e in response.json()["errors"]] == [
        ("required", "technical.uptime_percent"),
        ("required", "marketing.app_name"),
        ("required", "logos.40x40"),
        ("required", "logos.90x90"),
        ("required", "logos.115x115"),
        ("required", "logos.255x115"),
    ]
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DRAFT


def test_a_complete_offer_is_submitted_by_the_key(alice, writer):
    offer = OfferFactory(owner=alice)

    response = send(writer, "post", f"/api/v1/offers/{offer.pk}/submit/")

    assert (response.status_code, response.json()["status"]) == (202, "submitted")
    event = offer.events.get()
    assert (event.to_status, event.actor, event.api_key.name) == (
        OfferStatus.SUBMITTED,
        None,
        "release script",
    )


def test_a_submitted_offer_is_withdrawn_with_the_scripts_reason(alice, writer):
    offer = OfferFactory(owner=alice, status=OfferStatus.IN_REVIEW)

    response = send(
        writer, "post", f"/api/v1/offers/{offer.pk}/withdraw/", {"reason": "Replaced by v2."}
    )

    assert (response.status_code, response.json()["status"]) == (200, "withdrawn")
    events = send(writer, "get", f"/api/v1/offers/{offer.pk}/events/").json()
    assert [(e["kind"], e["by"], e["to_status"], e["reason"]) for e in events] == [
        ("status", "API key “release script”", "withdrawn", "Replaced by v2.")
    ]


def test_a_draft_cannot_be_withdrawn(alice, writer):
    offer = OfferFactory(owner=alice)

    response = send(writer, "post", f"/api/v1/offers/{offer.pk}/withdraw/", {})

    assert (response.status_code, response.json()["errors"][0]["code"]) == (409, "not_undecided")


def test_the_checks_of_the_latest_submission_are_read(alice, writer):
    offer = OfferFactory(owner=alice)
    send(writer, "post", f"/api/v1/offers/{offer.pk}/submit/")

    checks = writer.get(f"/api/v1/offers/{offer.pk}/checks/").json()

    assert sorted((c["kind"], c["subject"], c["status"]) for c in checks) == [
        ("logo", "115x115", "pending"),
        ("logo", "255x115", "pending"),
        ("logo", "40x40", "pending"),
        ("logo", "90x90", "pending"),
        ("privacy_url", "https://contoso.example/privacy", "pending"),
        ("support_url", "https://contoso.example/support", "pending"),
        ("terms_url", "https://contoso.example/terms", "pending"),
    ]


def test_the_requirements_profile_gives_every_slot_and_limit(writer):
    profile = writer.get("/api/v1/requirements/2018-12/").json()

    assert profile["logo_slots"] == [
        {"key": "40x40", "width": 40, "height": 40},
        {"key": "90x90", "width": 90, "height": 90},
        {"key": "115x115", "width": 115, "height": 115},
        {"key": "255x115", "width": 255, "height": 115},
    ]
    assert (profile["min_uptime_percent"], profile["logo_max_bytes"]) == ("99.900", 1048576)


def test_the_history_names_the_key_for_changes_made_through_the_api(alice, writer):
    created = send(writer, "post", "/api/v1/offers/", {"marketing": {"app_name": "Planner"}})

    events = writer.get(f"/api/v1/offers/{created.json()['id']}/events/").json()

    assert [(e["kind"], e["by"], e["steps"]) for e in events] == [
        (EventKind.STARTED, "API key “release script”", ["marketing"])
    ]


def put_logo(client, offer, slot, fields):
    """A PUT of a logo as a multipart form, as curl -F sends it."""
    return client.put(
        f"/api/v1/offers/{offer.pk}/logos/{slot}/",
        encode_multipart("BoUnDaRy", fields),
        content_type="multipart/form-data; boundary=BoUnDaRy",
    )


def test_the_status_page_names_the_key_and_the_steps_it_changed(alice, client, writer):
    offer = OfferFactory(owner=alice)
    send(writer, "patch", f"/api/v1/offers/{offer.pk}/", {"marketing": {"app_name": "Planner"}})
    client.force_login(alice)

    page = client.get(f"/offers/{offer.pk}/").content.decode()

    assert "API key “release script”" in page
    assert "Changed the answers of: Marketing assets." in page


def test_the_reviewer_sees_which_key_started_the_offer(writer, reviewer_client):
    created = send(writer, "post", "/api/v1/offers/", {}).json()
    Offer.objects.filter(pk=created["id"]).update(status=OfferStatus.IN_REVIEW)

    page = reviewer_client.get(f"/review/offers/{created['id']}/").content.decode()

    assert "started by API key “release script”" in page


def test_a_logo_sent_as_json_is_refused_as_an_unsupported_type(alice, writer):
    offer = OfferFactory(owner=alice, with_logos=False)

    response = send(writer, "put", f"/api/v1/offers/{offer.pk}/logos/40x40/", {"file": "x"})

    assert (response.status_code, response.json()["errors"][0]["code"]) == (
        415,
        "unsupported_media_type",
    )
