"""The webhook tasks: named once for good, routed to the network-bound workers, swept by the
beat, and quiet when there is nothing to do."""

import pytest
from django.conf import settings

from config.celery import app
from webhooks import tasks

pytestmark = pytest.mark.django_db


def test_the_tasks_declare_their_names_and_the_deliveries_wait_with_the_url_checks():
    assert (tasks.deliver.name, tasks.sweep_deliveries.name) == (
        "webhooks.tasks.deliver",
        "webhooks.tasks.sweep_deliveries",
    )
    assert settings.CELERY_TASK_ROUTES["webhooks.tasks.deliver"] == {"queue": "urls"}
    assert {"webhooks.tasks.deliver", "webhooks.tasks.sweep_deliveries"} <= set(app.tasks)


def test_the_beat_sweeps_the_deliveries_every_minute():
    assert settings.CELERY_BEAT_SCHEDULE["sweep-webhook-deliveries"] == {
        "task": "webhooks.tasks.sweep_deliveries",
        "schedule": 60.0,
    }


def test_a_delivery_that_is_gone_is_quietly_nothing_to_do():
    result = tasks.deliver.apply(kwargs={"delivery_id": 404})

    assert (result.successful(), result.result) == (True, None)


def test_the_sweeper_reports_how_many_it_queued():
    assert tasks.sweep_deliveries.apply().get() == 0
