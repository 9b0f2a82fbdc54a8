"""Uploads on an S3-compatible object store (a real SeaweedFS, tests/object_store.py): stored,
served privately, checked by the workers, cleaned up; and a store that is down costs the
publisher nothing they typed."""

from datetime import timedelta
from urllib.request import urlopen

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from offers import logos, services
from offers.checks import rounds
from offers.models import Check, CheckKind, CheckStatus, Offer
from tests.factories import OfferFactory, png_bytes, png_upload
from tests.object_store import unreachable_store, use_storage
from tests.wizard_data import MARKETING, post_step

pytestmark = pytest.mark.django_db

LOGO_FIELDS = {f"logo_{w}x{h}": (w, h) for w, h in ((40, 40), (90, 90), (115, 115), (255, 115))}
NOT_STORED = (
    "This logo could not be stored just now: our file store did not answer. Choose the file "
    "again in a minute; your other answers are kept."
)


def logo_uploads():
    return {f"marketing-{field}": png_upload(w, h) for field, (w, h) in LOGO_FIELDS.items()}


def stored_keys(store):
    return store.names()


@pytest.fixture
def down(settings):
    """Uploads go to an object store that does not answer."""
    use_storage(settings, unreachable_store(), timeout=1)


def test_the_wizard_stores_each_logo_and_its_clean_copy_in_the_bucket(
    s3_storage, alice_client, alice
):
    offer = OfferFactory(owner=alice, with_logos=False)

    response = post_step(alice_client, offer, "marketing", MARKETING, logo_uploads())

    assert response.status_code == 302
    names = {
        name for logo in offer.logos.all() for name in (logo.image.name, logo.clean_image.name)
    }
    assert len(names) == 8
    assert sorted(stored_keys(s3_storage)) == sorted(names)


def test_the_clean_copy_is_streamed_from_the_store_to_the_owner_only(
    s3_storage, alice_client, client, bob, alice
):
    offer = OfferFactory(owner=alice)
    logo = offer.logos.get(slot="90x90")
    url = reverse("offers:logo", kwargs={"pk": offer.pk, "slot": "90x90"})

    response = alice_client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == logo.clean_image.open("rb").read()
    client.force_login(bob)
    assert client.get(url).status_code == 404


def test_the_bucket_gives_nothing_to_anyone_without_its_keys(s3_storage, alice):
    offer = OfferFactory(owner=alice)
    key = f"{s3_storage.location}/{offer.logos.first().clean_image.name}"

    with pytest.raises(Exception) as refused:
        urlopen(f"{s3_storage.endpoint_url}/{s3_storage.bucket}/{key}", timeout=5)  # noqa: S310

    assert refused.value.code == 403


def test_the_background_check_reads_each_logo_from_the_store(s3_storage, alice):
    offer = OfferFactory(owner=alice)
    services.submit_offer(offer, actor=alice)

    for check in Check.objects.current_round(offer).filter(kind=CheckKind.LOGO):
        assert rounds.run(check.pk, f"task-{check.pk}") is None

    logo_checks = Check.objects.current_round(offer).filter(kind=CheckKind.LOGO)
    assert [check.status for check in logo_checks] == [CheckStatus.PASSED] * 4


def test_orphans_are_removed_from_the_store_and_the_offers_files_stay(s3_storage, alice):
    offer = OfferFactory(owner=alice)
    orphan = default_storage.save("logos/orphan.png", ContentFile(png_bytes(40, 40)))

    # The orphan is younger than a day: it may belong to a request still under way.
    day_ago = timezone.now() - timedelta(hours=24)
    assert logos.clean_orphaned_uploads(default_storage, older_than=day_ago) == 0
    later = timezone.now() + timedelta(minutes=1)
    assert logos.clean_orphaned_uploads(default_storage, older_than=later) == 1

    kept = {name for logo in offer.logos.all() for name in (logo.image.name, logo.clean_image.name)}
    assert sorted(stored_keys(s3_storage)) == sorted(kept)
    assert orphan not in stored_keys(s3_storage)


def test_a_store_that_is_down_at_upload_time_is_named_beside_each_logo(down, alice_client, alice):
    offer = OfferFactory(owner=alice, with_logos=False)
    answers = {**MARKETING, "app_name": "Northwind Planner"}

    response = post_step(alice_client, offer, "marketing", answers, logo_uploads())

    assert response.status_code == 200
    form = response.context["form"]
    assert {field: form.errors.get(field) for field in LOGO_FIELDS} == {
        field: [NOT_STORED] for field in LOGO_FIELDS
    }
    assert form["app_name"].value() == "Northwind Planner"  # shown as typed
    offer.refresh_from_db()
    assert offer.app_name == "Northwind Planner"  # and saved
    assert offer.logos.count() == 0


def test_a_store_that_is_down_when_only_some_answers_are_valid_keeps_them_typed(
    down, alice_client, alice
):
    offer = OfferFactory(owner=alice, with_logos=False)
    answers = {**MARKETING, "terms_url": "not a url"}

    response = post_step(alice_client, offer, "marketing", answers, logo_uploads())

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["terms_url"] == ["Enter a valid URL."]
    assert form.errors["logo_40x40"] == [NOT_STORED]
    assert form["terms_url"].value() == "not a url"


def test_a_logo_the_store_cannot_give_now_answers_503_not_500(
    s3_storage, alice_client, alice, settings
):
    offer = OfferFactory(owner=alice)
    use_storage(settings, unreachable_store(), timeout=1)

    response = alice_client.get(reverse("offers:logo", kwargs={"pk": offer.pk, "slot": "40x40"}))

    assert (response.status_code, response["Retry-After"]) == (503, "30")


def test_the_worker_tries_again_later_when_the_store_is_down(s3_storage, alice, settings):
    offer = OfferFactory(owner=alice)
    services.submit_offer(offer, actor=alice)
    check = Check.objects.current_round(offer).filter(kind=CheckKind.LOGO).first()
    use_storage(settings, unreachable_store(), timeout=1)

    assert rounds.run(check.pk, "task") == 1  # transient: the task retries after a pause

    check.refresh_from_db()
    assert (check.status, check.message) == (
        CheckStatus.PENDING,
        "The file store could not be reached to read this logo; it is checked again.",
    )
    assert Offer.objects.get(pk=offer.pk).status == "validating"
