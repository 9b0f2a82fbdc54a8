"""A submitted offer's checks run by a real Celery worker (a child process) through a real Redis
broker, on the PostgreSQL test database it shares with the test, against a web server on
127.0.0.1.

tests/offers/checks/test_rounds.py runs the same code in-process. These show what only a real worker
and broker can: the tasks really leave once the submission commits, a worker process killed
mid-check has its message delivered again, a broker that is down does not hold a submission,
and a check sent twice does its work once.
"""

import os
import signal
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.utils import timezone

from config.celery import app
from offers import services, tasks
from offers.checks import rounds
from offers.models import Check, CheckKind, CheckStatus, Notification, OfferStatus
from tests.factories import OfferFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# A round takes a few seconds; waiting longer than this means something is wrong.
DEADLINE_SECONDS = 60
SETTLED = {CheckStatus.PASSED, CheckStatus.FAILED, CheckStatus.ERROR}
QUEUE_FAILED = "Could not queue %s %s; the sweeper will retry."


def publisher_offer(owner, site, **urls):
    """A complete draft whose pages are on the test's site."""
    pages = {
        "support_url": f"{site.url}/support",
        "privacy_url": f"{site.url}/privacy",
        "terms_url": f"{site.url}/terms",
    }
    return OfferFactory(owner=owner, **{**pages, **urls})


def wait_until(condition, worker, what):
    """Poll `condition` until it holds; fail naming `what`, with the worker's log, if it never
    does."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Waited {DEADLINE_SECONDS} s for {what}. Worker log:\n{worker.log()}")
        time.sleep(0.1)


def finished_round(offer, worker):
    """Wait until every check of the offer's round is settled; return them in a stable order."""

    def settled():
        checks = list(Check.objects.current_round(offer))
        return len(checks) == 7 and {check.status for check in checks} <= SETTLED

    offer.refresh_from_db()
    wait_until(settled, worker, f"the 7 checks of offer {offer.pk} to finish")
    offer.refresh_from_db()
    return list(Check.objects.current_round(offer))


def test_a_real_worker_passes_every_check_and_the_offer_goes_to_review(alice, site, start_worker):
    worker = start_worker()
    offer = publisher_offer(alice, site)

    services.submit_offer(offer, actor=alice)

    checks = finished_round(offer, worker)
    assert [(check.status, check.attempts) for check in checks] == [(CheckStatus.PASSED, 1)] * 7
    assert offer.status == OfferStatus.IN_REVIEW
    assert dict(site.hits) == {"/support": 1, "/privacy": 1, "/terms": 1}


def test_a_missing_page_seen_by_a_real_worker_sends_the_offer_back(alice, site, start_worker):
    worker = start_worker()
    offer = publisher_offer(alice, site, support_url=f"{site.url}/gone")

    services.submit_offer(offer, actor=alice)

    checks = finished_round(offer, worker)
    assert [(c.kind, c.status) for c in checks if c.status != CheckStatus.PASSED] == [
        (CheckKind.SUPPORT_URL, CheckStatus.FAILED)
    ]
    support = next(check for check in checks if check.kind == CheckKind.SUPPORT_URL)
    assert support.message == (
        "The page answered 404 Not Found. Check that the address is right and the page is public."
    )
    assert support.attempts == 1
    assert offer.status == OfferStatus.CHANGES_NEEDED


def test_a_check_whose_worker_process_is_killed_is_delivered_again_and_passes(
    alice, site, start_worker
):
    # One pool process, so the one running the check is the one killed.
    worker = start_worker(pool="prefork", concurrency=1, queues=("urls", "logos"))
    offer = publisher_offer(alice, site, support_url=f"{site.url}/held")
    services.submit_offer(offer, actor=alice)
    support = offer.checks.get(kind=CheckKind.SUPPORT_URL)
    wait_until(lambda: site.hits["/held"] == 1, worker, "the support check to reach its page")
    support.refresh_from_db()
    assert support.status == CheckStatus.RUNNING
    [pool_process] = worker.child_pids()

    os.kill(pool_process, signal.SIGKILL)

    # The page still holds the first request: only a new delivery can make a second one.
    wait_until(lambda: site.hits["/held"] == 2, worker, "the check to be delivered again")
    site.release.set()
    checks = finished_round(offer, worker)
    support.refresh_from_db()
    # The message comes back with the same task id, and claim() gives a running check back to
    # the task that held it: so a second attempt (counted), and one outcome.
    assert (support.status, support.attempts) == (CheckStatus.PASSED, 2)
    assert {check.status for check in checks} == {CheckStatus.PASSED}
    assert offer.status == OfferStatus.IN_REVIEW
    assert pool_process not in worker.child_pids()
    assert "WorkerLostError" in worker.log()


@contextmanager
def broker_at(settings, url):
    """Send tasks to the broker at `url` for a while. Celery keeps its broker connections in
    pools made on first use, so they are dropped on the way in and out: the next task opens a
    connection to the broker named at that moment."""
    real_url = settings.CELERY_BROKER_URL
    settings.CELERY_BROKER_URL = url
    _drop_broker_pools()
    try:
        yield
    finally:
        settings.CELERY_BROKER_URL = real_url
        _drop_broker_pools()


def _drop_broker_pools():
    app._pool = None
    app.amqp._producer_pool = None


def test_a_submission_while_the_broker_is_down_waits_for_the_sweeper(
    alice, site, start_worker, settings, caplog
):
    offer = publisher_offer(alice, site)

    with broker_at(settings, "redis://127.0.0.1:1/0"):  # nothing listens on port 1
        started = time.monotonic()
        services.submit_offer(offer, actor=alice)
        elapsed = time.monotonic() - started

    # A broker that is down must not keep the publisher waiting (settings: "fail fast"). Each
    # task sent on commit costs about 2 s here unless broker_transport_options says
    # max_retries=0: kombu pauses interval_start (2 s) and connects again before giving up.
    assert elapsed < 2
    offer.refresh_from_db()
    assert offer.status == OfferStatus.SUBMITTED
    waiting = list(Check.objects.current_round(offer))
    assert [(c.status, c.queued_at) for c in waiting] == [(CheckStatus.PENDING, None)] * 7
    # The receipt e-mail, then the logos' task: the rest are not tried once the broker fails.
    receipt = Notification.objects.get(offer=offer)
    logged = [
        (r.msg, *r.args, str(r.exc_info[1])) for r in caplog.records if r.name == "offers.broker"
    ]
    refused = "Error 111 connecting to 127.0.0.1:1. Connection refused."
    assert logged == [
        (QUEUE_FAILED, "offers.tasks.send_notification", {"notification_id": receipt.pk}, refused),
        (
            QUEUE_FAILED,
            "offers.tasks.check_logos",
            {"check_ids": [c.pk for c in waiting if c.is_logo]},
            refused,
        ),
    ]

    later = timezone.now() + timedelta(seconds=settings.CHECK_PENDING_TIMEOUT_SECONDS + 1)
    assert rounds.sweep(now=later) == (7, 0)
    worker = start_worker()

    checks = finished_round(offer, worker)
    assert [(check.status, check.attempts) for check in checks] == [(CheckStatus.PASSED, 1)] * 7
    assert offer.status == OfferStatus.IN_REVIEW


def test_a_check_sent_again_while_it_runs_does_its_work_once(alice, site, start_worker):
    worker = start_worker()
    offer = publisher_offer(alice, site, support_url=f"{site.url}/held")
    services.submit_offer(offer, actor=alice)
    support = offer.checks.get(kind=CheckKind.SUPPORT_URL)
    wait_until(lambda: site.hits["/held"] == 1, worker, "the support check to reach its page")

    # The same work sent again (by the sweeper, say) while the first delivery still runs.
    again = tasks.check_url.apply_async(kwargs={"check_id": support.pk})

    wait_until(  # no result backend: the worker's log is where a task is seen to end
        lambda: f"check_url[{again.id}] succeeded" in worker.log(),
        worker,
        "the second delivery to end while the first still waits for the page",
    )
    site.release.set()
    checks = finished_round(offer, worker)
    support.refresh_from_db()
    assert (support.status, support.attempts) == (CheckStatus.PASSED, 1)
    assert site.hits["/held"] == 1
    assert {check.status for check in checks} == {CheckStatus.PASSED}
    assert offer.status == OfferStatus.IN_REVIEW
