"""The id of the request that submitted an offer is on every log line of the tasks it queued,
in a real worker: one id finds the whole story of a submission in the logs."""

import json

import pytest

from tests.integration.test_real_worker import finished_round, publisher_offer
from tests.wizard_data import post_step

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def json_lines(text):
    for line in text.splitlines():
        if line.startswith("{"):
            yield json.loads(line)


def test_the_request_id_follows_every_task_the_submission_queued(alice, site, start_worker, client):
    worker = start_worker()
    offer = publisher_offer(alice, site)
    client.force_login(alice)

    response = post_step(client, offer, "review")

    assert response.status_code == 302
    request_id = response["X-Request-ID"]
    finished_round(offer, worker)
    started = [entry for entry in json_lines(worker.log()) if entry["event"] == "task_started"]
    assert sorted(entry["task"] for entry in started) == sorted(
        ["offers.tasks.check_logos"]
        + ["offers.tasks.check_url"] * 3
        + ["offers.tasks.send_notification"]
    )
    assert {entry["request_id"] for entry in started} == {request_id}
    # The checks' own lines carry it too, not only the task's start.
    finished = [entry for entry in json_lines(worker.log()) if entry["event"] == "task_succeeded"]
    assert {entry["request_id"] for entry in finished} == {request_id}
