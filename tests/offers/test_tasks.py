"""The Celery tasks: thin, named once for good, and quiet when there is nothing to do."""

import ast
from pathlib import Path

import pytest
from celery.exceptions import Retry
from django.conf import settings

from config.celery import app
from offers import notifications, tasks
from offers.checks import rounds

pytestmark = pytest.mark.django_db

TASKS_MODULE = Path(tasks.__file__)
NAMES = {
    "check_url": "offers.tasks.check_url",
    "check_logos": "offers.tasks.check_logos",
    "check_logo": "offers.tasks.check_logo",
    "sweep_checks": "offers.tasks.sweep_checks",
    "clean_orphaned_uploads": "offers.tasks.clean_orphaned_uploads",
    "send_notification": "offers.tasks.send_notification",
    "sweep_notifications": "offers.tasks.sweep_notifications",
}


def _declared_names():
    """{function: the name= its @shared_task(...) gives}, read from the source: a name Celery
    made up from the module path would vanish from here, and a move would change it."""
    tree = ast.parse(TASKS_MODULE.read_text())
    return {
        function.name: next((kw.value.value for kw in decorator.keywords if kw.arg == "name"), None)
        for function in tree.body
        if isinstance(function, ast.FunctionDef)
        for decorator in function.decorator_list
        if isinstance(decorator, ast.Call) and decorator.func.id == "shared_task"
    }


def test_every_task_declares_its_name():
    assert _declared_names() == NAMES


def test_the_names_are_the_ones_messages_were_queued_under_before_they_were_declared():
    # Unchanged from the names Celery gave them by their module path, so that a deploy finds
    # every message already queued a task to run.
    assert {function: getattr(tasks, function).name for function in NAMES} == NAMES


def test_the_queue_routes_use_the_declared_names():
    # Other apps route their own tasks (tests/webhooks/test_tasks.py).
    routes = {
        name: route
        for name, route in settings.CELERY_TASK_ROUTES.items()
        if name.startswith("offers.")
    }
    assert {
        NAMES["check_url"]: {"queue": "urls"},
        NAMES["check_logos"]: {"queue": "logos"},
        NAMES["check_logo"]: {"queue": "logos"},
    } == routes
    assert set(routes) <= set(app.tasks)


@pytest.mark.parametrize("task", [tasks.check_url, tasks.check_logo])
def test_a_check_task_whose_check_is_gone_returns_quietly(task):
    result = task.apply(kwargs={"check_id": 404})

    assert (result.successful(), result.result) == (True, None)


@pytest.mark.parametrize("task", [tasks.check_url, tasks.check_logo])
def test_a_transient_outcome_makes_the_task_retry_after_the_backoff(task, monkeypatch):
    runs = []
    monkeypatch.setattr(rounds, "run", lambda check_id, task_id: runs.append(check_id) or 3)
    monkeypatch.setattr(rounds, "retry_delay", lambda attempts: attempts * 2.5)

    with pytest.raises(Retry) as retry:
        task.apply(kwargs={"check_id": 7})

    assert (runs, retry.value.when) == ([7], 7.5)


def test_a_logo_task_whose_checks_are_gone_returns_quietly():
    result = tasks.check_logos.apply(kwargs={"check_ids": [404, 405]})

    assert (result.successful(), result.result) == (True, None)


def test_a_transient_logo_outcome_makes_the_logo_task_retry_after_the_backoff(monkeypatch):
    runs = []
    monkeypatch.setattr(rounds, "run_all", lambda check_ids, task_id: runs.append(check_ids) or 2)
    monkeypatch.setattr(rounds, "retry_delay", lambda attempts: attempts * 2.5)

    with pytest.raises(Retry) as retry:
        tasks.check_logos.apply(kwargs={"check_ids": [7, 8, 9, 10]})

    assert (runs, retry.value.when) == ([[7, 8, 9, 10]], 5.0)


def test_an_e_mail_that_failed_for_now_is_retried_after_the_backoff(monkeypatch):
    monkeypatch.setattr(notifications, "send", lambda notification_id: 2)
    monkeypatch.setattr(notifications, "retry_delay", lambda attempts: attempts * 10.0)

    with pytest.raises(Retry) as retry:
        tasks.send_notification.apply(kwargs={"notification_id": 1})

    assert retry.value.when == 20.0


def test_the_sweepers_report_what_they_did():
    assert tasks.sweep_checks.apply().get() == (0, 0)
    assert tasks.sweep_notifications.apply().get() == (0, 0)
