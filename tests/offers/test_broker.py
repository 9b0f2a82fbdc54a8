"""Queueing a task: a broker that is down is a result (the sweepers queue the work later), not
an error the publisher sees; anything else is a bug and raises."""

import logging

import pytest
from kombu.exceptions import OperationalError

from offers import broker, tasks

REFUSED = "Error 111 connecting to 127.0.0.1:6379. Connection refused."


@pytest.fixture
def sent(monkeypatch):
    """What check_url would have handed to the broker."""
    calls = []
    monkeypatch.setattr(tasks.check_url, "apply_async", lambda **options: calls.append(options))
    return calls


def test_a_task_is_queued_by_its_name_with_keyword_arguments_and_no_retry(sent):
    assert broker.enqueue("offers.tasks.check_url", check_id=12) is True

    assert sent == [{"kwargs": {"check_id": 12}, "countdown": None, "retry": False}]


@pytest.mark.parametrize("error", [OperationalError(REFUSED), ConnectionRefusedError(REFUSED)])
def test_a_broker_that_cannot_be_reached_is_logged_and_reported(monkeypatch, caplog, error):
    def down(**options):
        raise error

    monkeypatch.setattr(tasks.check_url, "apply_async", down)

    with caplog.at_level(logging.WARNING, logger="offers.broker"):
        assert broker.enqueue("offers.tasks.check_url", check_id=12) is False

    [record] = caplog.records
    assert (record.getMessage(), record.exc_info[1]) == (
        "Could not queue offers.tasks.check_url {'check_id': 12}; the sweeper will retry.",
        error,
    )


def test_any_other_error_is_a_bug_and_raises(monkeypatch):
    def broken(**options):
        raise TypeError("unexpected keyword argument")

    monkeypatch.setattr(tasks.check_url, "apply_async", broken)

    with pytest.raises(TypeError):
        broker.enqueue("offers.tasks.check_url", check_id=12)
