"""Housekeeping: temporary wizard uploads of abandoned sessions are removed."""

import os
import time

import pytest
from django.core.management import call_command


@pytest.fixture
def wizard_tmp(settings):
    settings.WIZARD_TMP_ROOT.mkdir(parents=True)
    return settings.WIZARD_TMP_ROOT


def _file(folder, name, age_hours):
    path = folder / name
    path.write_bytes(b"\x89PNG")
    then = time.time() - age_hours * 3600
    os.utime(path, (then, then))
    return path


def test_only_uploads_older_than_the_limit_are_removed(wizard_tmp, capsys):
    old = _file(wizard_tmp, "old.png", age_hours=30)
    fresh = _file(wizard_tmp, "fresh.png", age_hours=1)

    call_command("clean_wizard_uploads", "--older-than-hours", "24")

    assert (old.exists(), fresh.exists()) == (False, True)
    assert capsys.readouterr().out == "Removed 1 temporary upload(s).\n"


def test_cleaning_before_any_upload_exists_is_quiet(settings, capsys):
    call_command("clean_wizard_uploads")

    assert capsys.readouterr().out == "Removed 0 temporary upload(s).\n"


def test_the_periodic_task_does_the_same(wizard_tmp):
    from offers.tasks import clean_wizard_uploads

    _file(wizard_tmp, "old.png", age_hours=48)

    assert clean_wizard_uploads.delay().get() == 1
