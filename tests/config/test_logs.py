"""Logs are JSON lines with the request id of the request they belong to, and the page tells the
person that id (X-Request-ID), so that what they report can be found."""

import json
import logging

import pytest
import structlog
from django.test import Client

from config.logs import logging_config

pytestmark = pytest.mark.django_db


def formatted(record_or_event, *, json_output=True):
    config = logging_config(level="INFO", json_output=json_output)["formatters"]["structured"]
    formatter = structlog.stdlib.ProcessorFormatter(
        **{key: value for key, value in config.items() if key != "()"}
    )
    return formatter.format(record_or_event)


def record(message, *args, **extra):
    entry = logging.LogRecord(
        "offers.checks.rounds", logging.WARNING, __file__, 1, message, args, None
    )
    entry.__dict__.update(extra)
    return entry


def events(caplog):
    """django-structlog's events, as the formatter receives them."""
    return [record.msg for record in caplog.records if isinstance(record.msg, dict)]


def test_a_library_s_log_record_becomes_one_json_line_with_the_request_id():
    with structlog.contextvars.bound_contextvars(request_id="r-123"):
        line = formatted(record("Check %s failed", 7, check_id=7))

    assert "\n" not in line
    entry = json.loads(line)
    assert {key: entry[key] for key in ("event", "level", "logger", "request_id", "check_id")} == {
        "event": "Check 7 failed",
        "level": "warning",
        "logger": "offers.checks.rounds",
        "request_id": "r-123",
        "check_id": 7,
    }
    assert entry["timestamp"].endswith("Z")


def test_a_traceback_is_text_and_never_the_frames_local_variables():
    secret = "hunter2"  # noqa: F841 - a local that must not reach the log
    try:
        raise ValueError("bad input")
    except ValueError:
        entry = record("failed")
        entry.exc_info = logging.sys.exc_info()

    logged = json.loads(formatted(entry))

    assert logged["exception"].startswith("Traceback (most recent call last):")
    assert logged["exception"].endswith("ValueError: bad input")
    assert "hunter2" not in json.dumps(logged)


def test_while_developing_lines_are_readable_not_json():
    line = formatted(record("Check %s failed", 7), json_output=False)

    assert "Check 7 failed" in line
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)


def test_every_request_is_logged_once_finished_with_its_id_which_the_page_carries(caplog):
    with caplog.at_level(logging.INFO, logger="django_structlog.middlewares.request"):
        response = Client().get("/", REMOTE_ADDR="203.0.113.9")

    [finished] = [
        r.msg
        for r in caplog.records
        if isinstance(r.msg, dict) and r.msg.get("event") == "request_finished"
    ]
    assert finished["request_id"] == response["X-Request-ID"]
    assert (finished["code"], finished["request"], finished["ip"]) == (200, "GET /", "203.0.113.9")


def test_the_address_logged_is_the_socket_s_not_a_forwarded_header(caplog):
    with caplog.at_level(logging.INFO, logger="django_structlog.middlewares.request"):
        Client().get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.66")

    assert [event["ip"] for event in events(caplog)] == ["203.0.113.9", "203.0.113.9"]


def test_each_request_has_an_id_of_its_own():
    client = Client()

    assert client.get("/")["X-Request-ID"] != client.get("/")["X-Request-ID"]
