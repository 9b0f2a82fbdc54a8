"""Housekeeping: logo files no offer refers to (a wizard step that never committed) go away."""

import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from offers import services
from offers.tasks import clean_orphaned_uploads
from tests.factories import OfferFactory, png_upload, submitted_offer

pytestmark = pytest.mark.django_db


def _stray_file(name, age_hours):
    path = default_storage.save(f"logos/{name}", ContentFile(b"\x89PNG"))
    then = time.time() - age_hours * 3600
    os.utime(default_storage.path(path), (then, then))
    return path


def _age_all_files(hours):
    folder = default_storage.path("logos")
    then = time.time() - hours * 3600
    for name in os.listdir(folder):
        os.utime(os.path.join(folder, name), (then, then))


def test_only_old_files_that_no_offer_refers_to_are_removed(alice, capsys):
    offer = OfferFactory(owner=alice)
    _age_all_files(hours=48)
    orphan = _stray_file("orphan.png", age_hours=30)
    in_flight = _stray_file("in-flight.png", age_hours=1)

    call_command("clean_orphaned_uploads", "--older-than-hours", "24")

    assert default_storage.exists(orphan) is False
    assert default_storage.exists(in_flight) is True
    assert all(default_storage.exists(logo.image.name) for logo in offer.logos.all())
    assert capsys.readouterr().out == "Removed 1 orphaned upload(s).\n"


def test_cleaning_before_any_upload_exists_is_quiet(capsys):
    call_command("clean_orphaned_uploads")

    assert capsys.readouterr().out == "Removed 0 orphaned upload(s).\n"


def test_the_periodic_task_does_the_same():

    _stray_file("orphan.png", age_hours=48)

    assert clean_orphaned_uploads.delay().get() == 1


def test_a_served_clean_copy_is_never_taken_for_an_orphan(alice):
    offer = OfferFactory(owner=alice)
    _age_all_files(hours=48)

    call_command("clean_orphaned_uploads")

    assert all(default_storage.exists(logo.clean_image.name) for logo in offer.logos.all())


def test_a_replaced_logo_that_a_submitted_revision_shows_is_never_taken_for_an_orphan(
    alice, reviewer, django_capture_on_commit_callbacks
):
    offer = submitted_offer(alice)
    services.decide(offer, "changes_requested", reviewer=reviewer, reasons=[("logos", "Blurry.")])
    replaced = offer.logos.get(slot="90x90")
    with django_capture_on_commit_callbacks(execute=True):
        services.store_logos(offer, {"90x90": png_upload(90, 90)})
    _age_all_files(hours=48)

    call_command("clean_orphaned_uploads")

    # Revision 1 shows it beside its replacement on the reviewer's page.
    assert default_storage.exists(replaced.clean_image.name) is True
    assert all(default_storage.exists(logo.clean_image.name) for logo in offer.logos.all())
