"""The round of checks of a submitted offer: a check row per logo and per URL, taken and
finished by the workers, and what the offer does once the last one is done; the sweeper.

The tasks in offers.tasks call into here; checks are queued through offers.broker: one task for
a round's logos, one per URL. A worker's claim and result commit without waiting for the disk
(worker_transaction says why that is safe)."""

import random
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from offers import broker, workflow
from offers.checks.logo import check_logo

# Everything this module writes is read later by someone else, in their language: it is kept in
# English (with its parameters) and translated when shown (offers.checks.messages).
from offers.checks.messages import source as _
from offers.checks.messages import storable
from offers.checks.url import check_url
from offers.logos import STORAGE_ERRORS
from offers.models import Check, CheckKind, CheckStatus, Logo, Offer, OfferStatus, round_outcome
from offers.workflow import CHECKING_STATUSES
from webhooks import services as webhooks

# Which Offer field each URL check reads, and which kind of page it expects.
URL_FIELDS = {
    CheckKind.SUPPORT_URL: ("support_url", "support"),
    CheckKind.PRIVACY_URL: ("privacy_url", "privacy"),
    CheckKind.TERMS_URL: ("terms_url", "terms"),
}


@dataclass(frozen=True)
class Outcome:
    """What one attempt found. `transient` outcomes are tried again while attempts remain."""

    status: str
    message: str
    details: dict = field(default_factory=dict)
    warnings: tuple = ()
    transient: bool = False


def start_round(offer):
    """Inside the submit (or rerun) transaction: one pending check per logo slot and per URL,
    and the offer's check outcome says they are running; the tasks are queued only once the
    rows are committed, so a worker can never miss them."""
    rows = [
        Check(offer=offer, revision=offer.revision, kind=CheckKind.LOGO, subject=slot.key)
        for slot in offer.requirements.logo_slots
    ] + [
        Check(offer=offer, revision=offer.revision, kind=kind, subject=getattr(offer, name))
        for kind, (name, _page) in URL_FIELDS.items()
    ]
    # bulk_create sets the primary keys on PostgreSQL and on SQLite alike; the rows in hand are
    # what enqueue needs, so nothing is read back after the commit.
    Check.objects.bulk_create(rows)
    store_outcome(offer, rows)
    transaction.on_commit(lambda: enqueue(rows))


def store_outcome(offer, checks):
    """Store on the offer what `checks`, all of its current round, say (round_outcome): in the
    caller's transaction, so the queue never sees checks and outcome disagree. Between pending
    and running (a claim, a retry, the sweeper) the outcome stays "running": only starting and
    settling a round change it."""
    outcome = round_outcome(check.status for check in checks)
    if outcome != offer.check_outcome:
        Offer.objects.filter(pk=offer.pk).update(check_outcome=outcome)
        offer.check_outcome = outcome


def enqueue(checks, *, stamp=False):
    """Queue one task for the logos of each round (they take milliseconds of CPU each) and one
    per URL (they wait on the network, side by side). Never raises: with the broker down the
    submission still succeeds, the checks stay pending, and the sweeper queues them again.

    `checks` are pending rows the caller holds. One claimed meanwhile (by a task the sweeper
    queued) is harmless: its task finds it no longer pending and does nothing.

    A new round is not stamped: its rows' created_at is when they were queued, and the sweeper
    counts from it when queued_at is empty. The sweeper `stamp`s what it queues again."""
    queued = []
    for task, kwargs, ids in _tasks(checks):
        if not broker.enqueue(task, **kwargs):
            break  # the broker cannot be reached: the rest would fail the same way
        queued += ids
    if stamp and queued:
        Check.objects.filter(pk__in=queued).update(queued_at=timezone.now())


def _tasks(checks):
    """(task, its keyword arguments, the check ids it runs) for these checks."""
    logos, urls = {}, []
    for check in checks:
        if check.is_logo:
            logos.setdefault((check.offer_id, check.revision), []).append(check.pk)
        else:
            urls.append(("offers.tasks.check_url", {"check_id": check.pk}, [check.pk]))
    batches = [("offers.tasks.check_logos", {"check_ids": ids}, ids) for ids in logos.values()]
    return batches + urls


@contextmanager
def worker_transaction():
    """A transaction of a worker's check whose commit does not wait for the disk.

    With synchronous_commit off, PostgreSQL reports the commit before its WAL is flushed: only
    a crash of the database server (or its machine) may then lose the last few hundred
    milliseconds of commits, each whole, never a part of one and never corrupting anything.
    That is safe for these writes, because the sweeper repairs every such loss: a lost claim or
    release leaves the check pending, or running and then reset to pending; a lost result
    leaves it running, together with what the end of its round did in the same transaction
    (the offer's status, its audit row, news and webhook rows), so the check runs once more and
    the round ends again. A task queued on commit for a lost row finds nothing and returns
    quietly; at worst an e-mail that already went out goes out twice. The publisher's and the
    reviewers' own writes keep waiting for the disk.

    Only on PostgreSQL; and only when this is the outermost transaction, so as never to weaken
    a caller's."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


def claim(check_id, task_id):
    """Take a pending check of the offer's current round, atomically: a second delivery of the
    same work finds nothing to take. A redelivery of the very task that held it (its worker
    died) may take it back. Returns the check, or None when there is nothing to do."""
    checks = claim_all([check_id], task_id)
    return checks[0] if checks else None


def claim_all(check_ids, task_id):
    """Take those of these checks that are takeable (see claim) in one UPDATE, and start the
    offer's validation in the same transaction. Returns the checks taken, maybe none."""
    current = Q(revision=F("offer__revision"), offer__status__in=CHECKING_STATUSES)
    takeable = Q(status=CheckStatus.PENDING) | Q(status=CheckStatus.RUNNING, details__task=task_id)
    with worker_transaction():
        claimed = Check.objects.filter(current & takeable, pk__in=check_ids).update(
            status=CheckStatus.RUNNING,
            attempts=F("attempts") + 1,
            started_at=timezone.now(),
            details={"task": task_id},
        )
        if not claimed:
            return []
        checks = list(
            Check.objects.select_related("offer").filter(
                pk__in=check_ids, status=CheckStatus.RUNNING, details__task=task_id
            )
        )
        _mark_validating(checks[0].offer)
    return checks


def _mark_validating(offer):
    # Another check may have got there first: then there is nothing to do.
    if offer.status == OfferStatus.SUBMITTED:
        with suppress(workflow.InvalidTransition):
            workflow.transition(offer, OfferStatus.VALIDATING, actor=None)


def run(check_id, task_id):
    """Do one attempt of a check. Returns the number of attempts made when the outcome is
    transient and another attempt is due; None when the check is settled or not ours."""
    return run_all([check_id], task_id)


def run_all(check_ids, task_id):
    """Do one attempt of each of these checks (a round's logos) that is ours to take; settle
    them together. Returns the most attempts made by a check whose outcome was transient and
    which is due another attempt, which its task retries alone (the settled ones are not
    takeable again); None when there is nothing to retry."""
    checks = claim_all(check_ids, task_id)
    logos = _stored_logos(checks)
    results = [(check, perform(check, logos)) for check in checks]
    again = [
        (check, outcome)
        for check, outcome in results
        if outcome.transient and check.attempts < settings.CHECK_MAX_ATTEMPTS
    ]
    for check, outcome in again:
        _release(check, outcome)
    settled = [result for result in results if result not in again]
    if settled:
        finish_all(settled)
    return max((check.attempts for check, _outcome in again), default=None)


def _stored_logos(checks):
    """{(offer id, slot): Logo} for the logo checks among `checks`, in one query."""
    logo_checks = [check for check in checks if check.is_logo]
    if not logo_checks:
        return {}
    stored = Logo.objects.filter(
        offer__in={check.offer_id for check in logo_checks},
        slot__in={check.subject for check in logo_checks},
    )
    return {(logo.offer_id, logo.slot): logo for logo in stored}


def perform(check, logos=None):
    """Run the check itself. Never raises for bad input: a bad image or URL is an outcome.
    `logos` are the stored logos of the checks at hand (_stored_logos), read once for all."""
    if check.is_logo:
        if logos is None:
            logos = _stored_logos([check])
        return _perform_logo(check, logos.get((check.offer_id, check.subject)))
    return _perform_url(check)


def _perform_logo(check, logo):
    requirements = check.offer.requirements
    missing = Outcome(CheckStatus.FAILED, _("No logo is stored for this slot. Upload it."))
    if logo is None:
        return missing
    try:
        with logo.image.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return missing
    except STORAGE_ERRORS:
        # The store is down or slow: the file is there, so the check is tried again later.
        return Outcome(
            CheckStatus.ERROR,
            _("The file store could not be reached to read this logo; it is checked again."),
            transient=True,
        )
    slot = requirements.slot(check.subject)
    result = check_logo(data, slot, requirements.logo_max_bytes, make_clean_copy=False)
    status = CheckStatus.PASSED if result.passed else CheckStatus.FAILED
    return Outcome(status, result.message, dict(result.details))


def _perform_url(check):
    _name, page = URL_FIELDS[check.kind]
    result = check_url(check.subject, kind=page, ports=settings.URLCHECK_ALLOWED_PORTS)
    details = dict(result.details)
    transient = result.outcome == "error" or bool(details.get("transient"))
    status = CheckStatus.PASSED if result.outcome == "passed" else CheckStatus.FAILED
    if result.outcome == "error":
        status = CheckStatus.ERROR
    return Outcome(status, result.message, details, tuple(result.warnings), transient)


def _release(check, outcome):
    """Hand a transiently failed check back as pending, for the retry that follows."""
    with worker_transaction():
        Check.objects.filter(pk=check.pk, status=CheckStatus.RUNNING).update(
            status=CheckStatus.PENDING,
            **storable(outcome.message),
            details={**outcome.details, "last_attempt": check.attempts},
            queued_at=timezone.now(),
        )


def retry_delay(attempts):
    """Exponential backoff with jitter, capped: 2, 4, 8 ... seconds, at most the cap."""
    base = min(settings.CHECK_RETRY_CAP_SECONDS, 2**attempts)
    return base * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not security


def finish(check, outcome):
    """Record the outcome; the last check of a round moves the offer on."""
    finish_all([(check, outcome)])


def finish_all(results):
    """Record the outcome of each (check, outcome), all of one offer, in one transaction; the
    last check of a round moves the offer on. The offer's row is locked first, so two checks
    finishing at once cannot both think they were not last."""
    with worker_transaction():
        offer = Offer.objects.for_status_change().get(pk=results[0][0].offer_id)
        finished = [check for check, outcome in results if _record(check, outcome)]
        if any(check.revision == offer.revision for check in finished):
            # One read of the round's rows serves both.
            checks = Check.objects.current_round(offer)
            store_outcome(offer, checks)
            _advance_if_round_done(offer, checks)


def _record(check, outcome):
    """Whether the check was still running, and now holds the outcome."""
    return Check.objects.filter(pk=check.pk, status=CheckStatus.RUNNING).update(
        status=outcome.status,
        **storable(outcome.message),
        details=outcome.details,
        warnings=list(outcome.warnings),
        finished_at=timezone.now(),
    )


def _advance_if_round_done(offer, checks):
    if offer.status not in CHECKING_STATUSES or checks.still_running():
        return
    webhooks.checks_finished(offer, checks)
    if checks.all_passed():
        workflow.transition(offer, OfferStatus.IN_REVIEW, actor=None)
    else:
        workflow.transition(
            offer, OfferStatus.CHANGES_NEEDED, actor=None, reason=_("Some checks did not pass.")
        )


def sweep(now=None):
    """Queue again every check of a current round that has waited or run too long; one that has
    used all its attempts is settled as an error. Returns (queued, given_up)."""
    now = now or timezone.now()
    _reset_stale_running(now)
    waiting = list(
        Check.objects.annotate(since=Coalesce("queued_at", "created_at")).filter(
            status=CheckStatus.PENDING,
            since__lt=now - timedelta(seconds=settings.CHECK_PENDING_TIMEOUT_SECONDS),
            revision=F("offer__revision"),
            offer__status__in=CHECKING_STATUSES,
        )
    )
    retry = [check for check in waiting if check.attempts < settings.CHECK_MAX_ATTEMPTS]
    exhausted = [check for check in waiting if check.attempts >= settings.CHECK_MAX_ATTEMPTS]
    for check in exhausted:
        _give_up(check)
    if retry:
        enqueue(retry, stamp=True)  # it records queued_at only for what the broker took
    return len(retry), len(exhausted)


def _reset_stale_running(now):
    """A check still running long past its time limit lost its worker: make it pending."""
    Check.objects.filter(
        status=CheckStatus.RUNNING,
        started_at__lt=now - timedelta(seconds=settings.CHECK_RUNNING_TIMEOUT_SECONDS),
    ).update(status=CheckStatus.PENDING, queued_at=None)


def _give_up(check):
    if not Check.objects.filter(pk=check.pk, status=CheckStatus.PENDING).update(
        status=CheckStatus.RUNNING
    ):
        return
    finish(
        check,
        Outcome(
            CheckStatus.ERROR,
            _("This could not be checked after several attempts. Submit the offer again later."),
            check.details,
        ),
    )
