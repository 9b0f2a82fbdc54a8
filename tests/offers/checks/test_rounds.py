"""Background checks of a submitted offer, run as a worker runs them, against real logos and a
real HTTP server on 127.0.0.1 (with the operator setting for private networks on)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models.fields.files import FieldFile
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from offers import services, tasks, workflow
from offers.checks import rounds
from offers.models import Check, CheckStatus, OfferStatus
from tests.factories import OfferFactory
from tests.local_site import allow_checks_to_reach, serve

pytestmark = pytest.mark.django_db


@pytest.fixture
def local_site(settings):
    """The publisher's own web site, which the checks may reach (operator setting on)."""
    with serve() as (base_url, hits):
        allow_checks_to_reach(settings, base_url)
        settings.CHECK_MAX_ATTEMPTS = 2
        yield base_url, hits


@pytest.fixture
def site(local_site):
    return local_site[0]


@pytest.fixture
def site_hits(local_site):
    """Requests the site received, by path."""
    return local_site[1]


@pytest.fixture
def offer(alice, site):
    return OfferFactory(
        owner=alice,
        support_url=f"{site}/support",
        privacy_url=f"{site}/privacy",
        terms_url=f"{site}/terms",
    )


def submit(offer):
    """Submit without queueing: each test runs the checks itself, as a worker would."""
    services.submit_offer(offer, actor=offer.created_by)
    return list(offer.checks.filter(revision=offer.revision))


def run_all(checks, task_id="task"):
    for check in checks:
        while rounds.run(check.pk, f"{task_id}-{check.pk}") is not None:
            pass  # a transient outcome: the task would retry after a pause


def statuses(offer):
    return {(c.kind, c.subject): c.status for c in offer.checks.filter(revision=offer.revision)}


def test_submitting_creates_a_pending_check_per_logo_and_per_url(offer, site):
    checks = submit(offer)

    assert offer.status == OfferStatus.SUBMITTED
    assert sorted((c.kind, c.subject, c.status) for c in checks) == [
        ("logo", "115x115", "pending"),
        ("logo", "255x115", "pending"),
        ("logo", "40x40", "pending"),
        ("logo", "90x90", "pending"),
        ("privacy_url", f"{site}/privacy", "pending"),
        ("support_url", f"{site}/support", "pending"),
        ("terms_url", f"{site}/terms", "pending"),
    ]


def test_when_every_check_passes_the_offer_goes_to_review(offer):
    run_all(submit(offer))

    offer.refresh_from_db()
    assert set(statuses(offer).values()) == {CheckStatus.PASSED}
    assert offer.status == OfferStatus.IN_REVIEW
    assert list(offer.events.values_list("to_status", flat=True)) == [
        "submitted",
        "validating",
        "in_review",
    ]


def test_a_missing_page_fails_with_its_code_and_the_offer_needs_changes(offer, site):
    offer.support_url = f"{site}/gone"
    offer.save()

    run_all(submit(offer))

    offer.refresh_from_db()
    check = offer.checks.get(kind="support_url")
    assert check.status == CheckStatus.FAILED
    assert "404" in check.message
    assert check.details["status_code"] == 404
    assert offer.status == OfferStatus.CHANGES_NEEDED
    assert offer.is_editable is True


def test_the_status_page_shows_each_reason_beside_the_step_that_fixes_it(alice_client, offer, site):
    offer.support_url = f"{site}/gone"
    offer.save()
    run_all(submit(offer))

    html = alice_client.get(reverse("offers:detail", kwargs={"pk": offer.pk})).content.decode()

    check = offer.checks.get(kind="support_url")
    assert check.message in html
    fix = reverse("offers:wizard", kwargs={"pk": offer.pk, "step": "technical"})
    assert f'<a href="{fix}">Fix it' in html
    assert ">Changes needed</span>" in html


def test_fixing_and_resubmitting_runs_the_checks_again_and_keeps_the_history(
    alice_client, offer, site
):
    offer.support_url = f"{site}/gone"
    offer.save()
    run_all(submit(offer))
    offer.refresh_from_db()

    services.save_step(offer, "technical", {**_technical(offer), "support_url": f"{site}/support"})
    run_all(submit(offer))

    offer.refresh_from_db()
    assert offer.revision == 2
    assert offer.status == OfferStatus.IN_REVIEW
    assert offer.checks.filter(revision=1, status=CheckStatus.FAILED).count() == 1
    assert offer.checks.filter(revision=2).count() == 7


def _technical(offer):
    return services.step_initial(offer, "technical")


def test_a_task_delivered_twice_does_the_work_once(offer, site_hits):
    check = next(c for c in submit(offer) if c.kind == "support_url")

    rounds.run(check.pk, "first-delivery")
    rounds.run(check.pk, "second-delivery")

    check.refresh_from_db()
    assert (check.status, check.attempts) == (CheckStatus.PASSED, 1)
    assert site_hits["/support"] == 1


def test_a_second_delivery_while_the_first_runs_finds_nothing_to_take(offer):
    check = next(c for c in submit(offer) if c.kind == "support_url")
    assert rounds.claim(check.pk, "first") is not None

    assert rounds.claim(check.pk, "second") is None


def test_the_task_whose_worker_died_takes_its_own_check_back(offer):
    check = next(c for c in submit(offer) if c.kind == "support_url")
    rounds.claim(check.pk, "same-task")  # then the worker is killed mid-check

    rounds.run(check.pk, "same-task")  # the broker delivers the same task again

    check.refresh_from_db()
    assert (check.status, check.attempts) == (CheckStatus.PASSED, 2)


def test_a_stale_job_of_an_earlier_round_does_nothing(offer, site, site_hits):
    offer.support_url = f"{site}/gone"
    offer.save()
    first_round = submit(offer)
    run_all([c for c in first_round if c.kind != "support_url"])
    stale = next(c for c in first_round if c.kind == "support_url")
    Check.objects.filter(pk=stale.pk).update(status=CheckStatus.PENDING)
    offer.refresh_from_db()
    workflow.transition(offer, OfferStatus.CHANGES_NEEDED, actor=None)
    submit(offer)

    assert rounds.run(stale.pk, "late") is None
    stale.refresh_from_db()
    assert stale.attempts == 0
    assert site_hits["/gone"] == 0


def test_a_server_error_is_tried_again_then_settled(offer, site):
    offer.terms_url = f"{site}/broken"
    offer.save()
    check = next(c for c in submit(offer) if c.kind == "terms_url")

    assert rounds.run(check.pk, "t") == 1  # transient: the task retries after a pause
    check.refresh_from_db()
    assert (check.status, check.attempts) == (CheckStatus.PENDING, 1)

    assert rounds.run(check.pk, "t") is None  # the last attempt settles it
    check.refresh_from_db()
    assert (check.status, check.attempts) == (CheckStatus.FAILED, 2)
    assert "500" in check.message


def test_retries_wait_longer_each_time_up_to_a_cap(settings):
    settings.CHECK_RETRY_CAP_SECONDS = 60

    delays = [rounds.retry_delay(attempt) for attempt in (1, 2, 3, 10)]

    assert 1 <= delays[0] <= 2
    assert 2 <= delays[1] <= 4
    assert 4 <= delays[2] <= 8
    assert 30 <= delays[3] <= 60


def test_a_round_queues_one_task_for_its_four_logos_and_one_per_url(offer, monkeypatch):
    checks = submit(offer)
    sent = []
    monkeypatch.setattr(
        rounds.broker, "enqueue", lambda task, **kwargs: sent.append((task, kwargs)) or True
    )

    with CaptureQueriesContext(connection) as queries:
        rounds.enqueue(checks)

    assert len(queries) == 0  # the rows are in hand
    logos = [check.pk for check in checks if check.is_logo]
    urls = [check.pk for check in checks if not check.is_logo]
    assert sent == [("offers.tasks.check_logos", {"check_ids": logos})] + [
        ("offers.tasks.check_url", {"check_id": pk}) for pk in urls
    ]
    # A new round's created_at says when it was queued: no update just to stamp it.
    assert Check.objects.filter(queued_at__isnull=False).count() == 0


def test_one_logo_task_checks_the_four_slots_each_with_its_own_outcome(offer):
    with offer.logos.get(slot="90x90").image.open("wb") as handle:
        handle.write(b"not a png")
    logos = [check.pk for check in submit(offer) if check.is_logo]

    assert rounds.run_all(logos, "logo-task") is None

    checks = offer.checks.filter(kind="logo")
    assert {check.subject: (check.status, check.attempts) for check in checks} == {
        "40x40": (CheckStatus.PASSED, 1),
        "90x90": (CheckStatus.FAILED, 1),
        "115x115": (CheckStatus.PASSED, 1),
        "255x115": (CheckStatus.PASSED, 1),
    }
    assert checks.get(subject="40x40").message == "This logo fits the 40 × 40 slot."
    assert checks.get(subject="90x90").message == (
        "This file is not a PNG image. Save the logo as PNG and upload it again."
    )


def test_a_logo_the_store_cannot_read_now_is_tried_again_alone(offer, monkeypatch):
    logos = [check.pk for check in submit(offer) if check.is_logo]
    stored_open = FieldFile.open

    def store_down_for_90x90(file, mode="rb"):
        if file.instance.slot == "90x90":
            raise OSError("The file store did not answer.")
        return stored_open(file, mode)

    monkeypatch.setattr(FieldFile, "open", store_down_for_90x90)

    assert rounds.run_all(logos, "logo-task") == 1  # transient: the task retries after a pause
    assert _logo_attempts(offer) == {
        "40x40": (CheckStatus.PASSED, 1),
        "90x90": (CheckStatus.PENDING, 1),
        "115x115": (CheckStatus.PASSED, 1),
        "255x115": (CheckStatus.PASSED, 1),
    }

    monkeypatch.setattr(FieldFile, "open", stored_open)  # the store answers again
    assert rounds.run_all(logos, "logo-task") is None  # the retry, with the same ids

    assert _logo_attempts(offer) == {
        "40x40": (CheckStatus.PASSED, 1),
        "90x90": (CheckStatus.PASSED, 2),
        "115x115": (CheckStatus.PASSED, 1),
        "255x115": (CheckStatus.PASSED, 1),
    }


def _logo_attempts(offer):
    checks = offer.checks.filter(kind="logo")
    return {check.subject: (check.status, check.attempts) for check in checks}


SYNC_OFF = "SET LOCAL synchronous_commit TO OFF"


@pytest.mark.django_db(transaction=True)
def test_a_worker_s_claim_and_result_commit_without_waiting_for_the_disk_on_postgresql(
    offer, monkeypatch
):
    monkeypatch.setattr(rounds, "enqueue", lambda ids: None)  # this test runs the check itself
    check = next(c for c in submit(offer) if c.kind == "support_url")

    with CaptureQueriesContext(connection) as queries:
        assert rounds.run(check.pk, "task") is None

    statements = [query["sql"] for query in queries]
    if connection.vendor == "postgresql":
        # Two transactions, the claim and the result, each opened by it.
        begins = [index for index, sql in enumerate(statements) if sql == "BEGIN"]
        assert [statements[index + 1] for index in begins] == [SYNC_OFF, SYNC_OFF]
    else:
        assert SYNC_OFF not in statements  # SQLite has no such setting


@pytest.mark.django_db(transaction=True)
def test_a_result_recorded_inside_a_caller_s_transaction_keeps_its_durability(offer, monkeypatch):
    monkeypatch.setattr(rounds, "enqueue", lambda ids: None)  # this test runs the check itself
    check = next(c for c in submit(offer) if c.kind == "support_url")
    claimed = rounds.claim(check.pk, "task")

    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        rounds.finish(claimed, rounds.Outcome(CheckStatus.PASSED, "Checked."))

    assert SYNC_OFF not in [query["sql"] for query in queries]
    check.refresh_from_db()
    assert check.status == CheckStatus.PASSED


def test_a_damaged_stored_logo_fails_its_check_with_the_reason(offer):
    logo = offer.logos.get(slot="90x90")
    with logo.image.open("wb") as handle:
        handle.write(b"not a png")

    run_all(submit(offer))

    check = offer.checks.get(kind="logo", subject="90x90")
    assert check.status == CheckStatus.FAILED
    assert check.message == (
        "This file is not a PNG image. Save the logo as PNG and upload it again."
    )


def test_a_passing_logo_check_records_what_it_read(offer):
    run_all(submit(offer))

    details = offer.checks.get(kind="logo", subject="255x115").details
    assert (details["format"], details["width"], details["height"], details["frames"]) == (
        "PNG",
        255,
        115,
        1,
    )


def test_submitting_while_the_broker_is_down_still_succeeds(
    offer, monkeypatch, django_capture_on_commit_callbacks
):

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.check_logos, "apply_async", broker_down)
    monkeypatch.setattr(tasks.check_url, "apply_async", broker_down)

    with django_capture_on_commit_callbacks(execute=True):
        services.submit_offer(offer, actor=offer.created_by)

    offer.refresh_from_db()
    assert offer.status == OfferStatus.SUBMITTED
    assert set(statuses(offer).values()) == {CheckStatus.PENDING}
    assert not offer.checks.filter(queued_at__isnull=False).exists()


def test_the_sweeper_queues_again_what_waited_too_long_and_it_finishes(offer, settings):
    checks = submit(offer)  # never queued: say the broker was down
    later = timezone.now() + timedelta(seconds=settings.CHECK_PENDING_TIMEOUT_SECONDS + 1)

    queued, given_up = rounds.sweep(now=later)  # tasks run at once in the test settings

    offer.refresh_from_db()
    assert (queued, given_up) == (len(checks), 0)
    assert offer.status == OfferStatus.IN_REVIEW


def test_the_sweeper_takes_back_a_check_whose_worker_died(offer, settings):
    check = next(c for c in submit(offer) if c.kind == "support_url")
    rounds.claim(check.pk, "dead-worker")
    later = timezone.now() + timedelta(
        seconds=settings.CHECK_RUNNING_TIMEOUT_SECONDS + settings.CHECK_PENDING_TIMEOUT_SECONDS
    )

    rounds.sweep(now=later)

    check.refresh_from_db()
    assert (check.status, check.attempts) == (CheckStatus.PASSED, 2)


def test_the_sweeper_gives_up_after_the_attempt_cap(offer, settings):
    checks = submit(offer)
    Check.objects.filter(pk__in=[c.pk for c in checks]).update(attempts=settings.CHECK_MAX_ATTEMPTS)
    later = timezone.now() + timedelta(seconds=settings.CHECK_PENDING_TIMEOUT_SECONDS + 1)

    assert rounds.sweep(now=later) == (0, 7)

    offer.refresh_from_db()
    assert set(statuses(offer).values()) == {CheckStatus.ERROR}
    assert offer.status == OfferStatus.CHANGES_NEEDED


def test_the_sweep_command_reports_what_it_did(offer, settings, capsys):

    submit(offer)

    call_command("sweep_checks")

    assert capsys.readouterr().out == "Queued again: 0. Given up: 0.\n"
