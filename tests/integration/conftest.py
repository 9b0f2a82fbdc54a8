"""Integration tests: a real Celery worker in a child process, on real PostgreSQL and Redis.

The worker must share the test database, so these tests need DATABASE_URL (PostgreSQL) and
REDIS_URL (the broker). Without them they are skipped, unless REQUIRE_SERVICES=1 (as in CI),
where that is a failure.
"""

import os
import threading
from contextlib import ExitStack
from dataclasses import dataclass

import pytest
import redis

from tests.local_site import PUBLISHER_PAGES, serve
from tests.worker_process import celery_worker

# The held page answers by itself after this, so a test that fails never leaves it hanging.
HOLD_LIMIT_SECONDS = 30


@pytest.fixture(autouse=True, scope="session")
def _shared_services():
    missing = _missing_services()
    if missing:
        reason = "; ".join(missing)
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
        pytest.skip(f"Integration tests need PostgreSQL and Redis: {reason}")


def _missing_services():
    missing = []
    if not os.environ.get("DATABASE_URL"):
        missing.append("DATABASE_URL is not set (the worker shares the test database)")
    if not os.environ.get("REDIS_URL"):
        missing.append("REDIS_URL is not set")
    return missing


@pytest.fixture
def broker(settings):
    """Tasks really go to Redis (pytest-env runs them in-process everywhere else; Celery reads
    the Django setting on every call). The test's Redis database starts empty, so no message
    left by an earlier, interrupted run is delivered to this one."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with redis.Redis.from_url(settings.REDIS_URL) as client:
        client.flushdb()


class HeldPages(dict):
    """The publisher's pages plus /held, which answers only once `release` is set: a slow site,
    for catching a check in the middle of its request. (serve() looks pages up with get().)"""

    def __init__(self):
        super().__init__(PUBLISHER_PAGES)
        self["/held"] = (200, "text/html", "<h1>Support</h1>")
        self.release = threading.Event()

    def get(self, path, default=None):
        if path == "/held":
            self.release.wait(HOLD_LIMIT_SECONDS)
        return super().get(path, default)


@dataclass(frozen=True)
class Site:
    url: str
    hits: dict  # requests received, by path
    release: threading.Event  # set it and /held answers


@pytest.fixture
def site():
    """The publisher's own web site on 127.0.0.1."""
    pages = HeldPages()
    with serve(pages) as (base_url, hits):
        yield Site(base_url, hits, pages.release)
        pages.release.set()  # the server waits for its handlers before it closes


@pytest.fixture
def start_worker(transactional_db, broker, site):
    """start_worker(**options) runs `celery worker` (see tests/worker_process.py) on this test's
    database, broker and media, allowed to reach the site. Every worker is stopped before the
    test's data is flushed."""
    port = site.url.rsplit(":", 1)[1]
    started = []
    with ExitStack() as stack:

        def start(**options):
            worker = stack.enter_context(
                celery_worker(
                    URLCHECK_ALLOW_PRIVATE_NETWORKS=1,
                    URLCHECK_ALLOWED_PORTS=f"80,443,{port}",
                    **options,
                )
            )
            started.append(worker)
            return worker

        yield start
        for worker in started:  # pytest shows this output only when the test failed
            print(f"Log of worker {worker.pid}:\n{worker.log()}")
