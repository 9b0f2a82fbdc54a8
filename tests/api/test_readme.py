"""The README's "Submit from a script" example works: its shell block runs, as written, against
a live server, with curl, and submits a complete offer."""

import json
import re
import subprocess
from pathlib import Path

import pytest

from offers import broker
from offers.models import Offer, OfferStatus
from tests.api.client import key_of
from tests.factories import png_bytes

pytestmark = pytest.mark.django_db(transaction=True)

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_script():
    text = README.read_text()
    section = text[text.index("### Submit from a script") :]
    return re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1)


@pytest.fixture
def checks_left_queued(monkeypatch):
    # The broker takes the checks; the workers are not part of this test.
    monkeypatch.setattr(broker, "enqueue", lambda task_name, **kwargs: True)


def test_the_readme_submits_an_offer_from_a_script(
    alice, live_server, tmp_path, checks_left_queued
):
    for width, height in ((40, 40), (90, 90), (115, 115), (255, 115)):
        (tmp_path / f"logo-{width}x{height}.png").write_bytes(png_bytes(width, height))
    script = readme_script()
    script = re.sub(r"^KEY=.*$", f"KEY={key_of(alice)}", script, flags=re.MULTILINE)
    script = script.replace("http://127.0.0.1:8000", live_server.url)

    run = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert run.returncode == 0, run.stderr
    submitted, checks, status = run.stdout.splitlines()
    assert (submitted, status) == ("submitted", "submitted")
    assert len(json.loads(checks)) == 7
    offer = Offer.objects.get()
    assert (offer.status, offer.app_name, offer.logos.count()) == (
        OfferStatus.SUBMITTED,
        "Alice Route Planner",
        4,
    )
