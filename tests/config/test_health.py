"""/healthz says the process answers; /readyz says whether each service it needs answers, and
names what is down (503) so that the orchestrator routes no traffic to it."""

import json

import pytest
from django.core.cache import caches
from django.test import Client

from config.probe import main as probe_main
from config.probe import probe_request
from tests.object_store import free_ports, unreachable_store, use_storage

pytestmark = pytest.mark.django_db

ALL_OK = {"database": "ok", "cache": "ok", "broker": "ok", "storage": "ok"}


def probe(path):
    """As the orchestrator asks: plain HTTP, straight to the container."""
    response = Client().get(path)
    return response.status_code, json.loads(response.content), response


def test_the_process_answers_without_touching_any_service(django_assert_num_queries):
    with django_assert_num_queries(0):
        status, body, response = probe("/healthz")

    assert (status, body) == (200, {"status": "ok"})
    assert "no-cache" in response["Cache-Control"]


def test_ready_when_every_service_answers():
    status, body, response = probe("/readyz")

    assert (status, body) == (200, {"status": "ok", "checks": ALL_OK})
    assert "no-cache" in response["Cache-Control"]


def test_a_cache_that_is_down_is_named_and_the_rest_still_reported(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }

    try:
        status, body, _response = probe("/readyz")
    finally:
        # Sessions are read through this cache (cached_db), so the request opened it here; it
        # fell back to the database. Forget it, or the teardown's cache.clear() would reach
        # for the dead server.
        del caches["default"]

    assert status == 503
    assert body == {
        "status": "unavailable",
        "checks": {**ALL_OK, "cache": "Unexpected Result: Connection Error"},
    }


def test_a_broker_that_is_down_is_named(settings):
    # Celery reads its settings from Django's on every use; setting app.conf instead would
    # pin the value for every later test.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    status, body, _response = probe("/readyz")

    assert status == 503
    assert body["checks"] == {**ALL_OK, "broker": "Unavailable: OperationalError"}


def test_a_file_store_that_is_down_is_named(settings):
    use_storage(settings, unreachable_store(), timeout=1)

    status, body, _response = probe("/readyz")

    assert status == 503
    assert body["checks"] == {**ALL_OK, "storage": "Unavailable: EndpointConnectionError"}


def test_probes_are_not_sent_to_https_like_every_other_page(settings):
    settings.SECURE_SSL_REDIRECT = True

    assert probe("/readyz")[0] == 200
    assert probe("/healthz")[0] == 200
    assert Client().get("/offers/").status_code == 301


# config/probe.py, the container's health check.


def test_the_container_probe_passes_on_a_ready_server(live_server):
    port = live_server.url.rsplit(":", 1)[1]
    environ = {"ALLOWED_HOSTS": "testserver,localhost", "PORT": port}

    assert probe_main(["probe"], environ) == 0
    assert probe_main(["probe", "/healthz"], environ) == 0


def test_the_container_probe_fails_when_the_page_is_not_ok(live_server, capsys):
    port = live_server.url.rsplit(":", 1)[1]

    assert (
        probe_main(["probe", "/no-such-probe"], {"ALLOWED_HOSTS": "testserver", "PORT": port}) == 1
    )
    assert capsys.readouterr().err == "/no-such-probe: HTTP Error 404: Not Found\n"


def test_the_container_probe_fails_when_nothing_answers(capsys):
    port = str(free_ports(1)[0])

    assert probe_main(["probe"], {"PORT": port}) == 1
    assert "Connection refused" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("allowed", "host"),
    [
        ("offers.example.com,www.example.com", "offers.example.com"),
        (".example.com", "example.com"),
        ("*", "localhost"),
        ("", "localhost"),
    ],
)
def test_the_probe_names_a_host_django_accepts(allowed, host):
    request = probe_request("/readyz", {"ALLOWED_HOSTS": allowed})

    assert (request.full_url, request.get_header("Host")) == ("http://127.0.0.1:8000/readyz", host)
