"""The web side and a real worker with no disk in common: the logos reach the worker through
the object store (SeaweedFS), on PostgreSQL and Redis, and the whole submission passes."""

import pytest

from offers import services
from offers.models import CheckKind, CheckStatus, OfferStatus
from tests.integration.test_real_worker import finished_round, publisher_offer
from tests.offers.test_object_storage import logo_uploads
from tests.wizard_data import MARKETING, post_step

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

URL_KINDS = (CheckKind.PRIVACY_URL, CheckKind.SUPPORT_URL, CheckKind.TERMS_URL)


def test_web_and_worker_on_two_disks_share_the_logos_through_the_object_store(
    alice, site, start_worker, s3_storage, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "web-media"
    worker_media = tmp_path / "worker-media"
    worker = start_worker(**s3_storage.environment(), MEDIA_ROOT=worker_media)
    offer = publisher_offer(alice, site, with_logos=False)
    client.force_login(alice)

    pages = {"terms_url": f"{site.url}/terms", "privacy_url": f"{site.url}/privacy"}
    response = post_step(client, offer, "marketing", {**MARKETING, **pages}, logo_uploads())
    assert response.status_code == 302
    services.submit_offer(offer, actor=alice)

    checks = finished_round(offer, worker)
    assert [(check.kind, check.status) for check in checks] == [
        (CheckKind.LOGO, CheckStatus.PASSED)
    ] * 4 + [(kind, CheckStatus.PASSED) for kind in sorted(URL_KINDS)]
    assert offer.status == OfferStatus.IN_REVIEW
    assert len(s3_storage.names()) == 8  # four uploads and their clean copies
    # Neither side wrote a file of its own.
    assert not (tmp_path / "web-media").exists()
    assert not worker_media.exists() or not any(worker_media.rglob("*"))
