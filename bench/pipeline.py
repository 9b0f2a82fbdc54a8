"""Benchmark of the background checks, end to end, with real Celery workers, PostgreSQL and Redis.

Run with `make bench` (or `.venv/bin/python bench/pipeline.py`). It needs PostgreSQL and Redis:
DATABASE_URL and REDIS_URL, by default postgres://postgres@127.0.0.1:5432/offerdesk_bench and
redis://127.0.0.1:6379/2. The database is created and migrated when missing, and kept; the
publishers and offers a run makes are deleted after it. The Redis database must be the
benchmark's own: it is emptied before and after each run. Uploads go to a temporary folder.

Two workers start as `make run` starts them (through tests/worker_process.py): the "urls" queue
on 16 threads, the "logos" and "default" queues on 2 processes. The publishers' pages come from
a local web server that answers after a set delay. Figures are taken after one warm-up round.

- Latency: one offer whose three pages each answer after 1 s, from submit_offer to the end of
  its round, divided by one direct check_url of such a page in the same run: what the slowest
  check costs with no queue, no database and no worker. Target: at most 1.5x, which only checks
  that run side by side can meet (one after the other they would take 3x). Exit status 1 when
  missed.
- Throughput: 100 offers submitted in a row, pages answering in 50 ms: offers fully validated per
  second, against one such offer alone, and against the machine's ceiling (the cores divided by
  the CPU seconds the worker processes spent per offer); and the memory of every worker process.
- Writes per checked offer, over the throughput run: SQL statements, transactions that wrote
  (those that wait for an fsync at commit, and those with synchronous_commit off) and broker
  messages, counted where they are made (see the counters below), divided by the offers.
  Target: at most 10 committing transactions per offer, a committing transaction being one
  whose commit waits for an fsync. Exit status 1 when missed.

Times come from the rows the workers write (the audit row of the round's last transition), on
the same clock as the submit, so how often the benchmark polls does not enter them. Exit status 2
means PostgreSQL or Redis could not be reached.
"""

import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.postgres import ensure_database  # noqa: E402
from tests.local_site import serve  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/offerdesk_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/2"
MAX_LATENCY_RATIO = 1.5
MAX_TRANSACTIONS_PER_OFFER = 10
SLOW_PAGE_MS = 1000
FAST_PAGE_MS = 50
LATENCY_RUNS = 5
ALONE_RUNS = 3
THROUGHPUT_OFFERS = 100
ROUND_TIMEOUT_SECONDS = 60
PAGES = ("support", "privacy", "terms")
# As `make run` starts them: URL checks wait on the network, logo checks use the CPU.
WORKERS = {
    "urls": {"queues": ("urls",), "pool": "threads", "concurrency": 16},
    "logos": {"queues": ("logos", "default"), "pool": "prefork", "concurrency": 2},
}
# The workers count what they write (Counters).
COUNTING = {"include": ("bench.pipeline",), "PIPELINE_BENCH_COUNTERS": "1"}
# Every publisher a run makes has an address here, so that the cleanup finds them all, also
# those of a run that was interrupted.
BENCH_DOMAIN = "pipeline-bench.invalid"


class RoundTimeout(Exception):
    pass


# --- counters of writes --------------------------------------------------------------------
#
# Counted inside every process that works on an offer: this one while it calls submit_offer, and
# the workers, which import this module at start (`celery worker --include=bench.pipeline`,
# with PIPELINE_BENCH_COUNTERS set) and add what each task did to Redis after it.
#
# - statements: every SQL statement Django sends (BEGIN and COMMIT are not sent as statements
#   by the driver, so they are not in it; SAVEPOINTs are). pg_stat_statements would count them
#   in the server, but it needs shared_preload_libraries, which a laptop's PostgreSQL lacks.
# - transactions: committed transactions that wrote (INSERT, UPDATE, DELETE, SELECT ... FOR
#   UPDATE), an autocommitted statement being one. A read alone commits without an fsync, so it
#   is not counted. (pg_stat_database's xact_commit counts the reads as well, and this
#   benchmark's own polling with them.) An UPDATE that matched no row is counted, though it
#   wrote nothing: the count is an upper bound.
# - unsynced: those of them that ran SET LOCAL synchronous_commit TO OFF, whose commit does not
#   wait for the WAL to reach the disk (offers.checks.rounds.worker_transaction). The others
#   wait for an fsync each: "committing transactions" in the report, and the target.
# - messages: tasks published to the broker (Celery's before_task_publish), retries included.

COUNTER_KEYS = ("statements", "transactions", "unsynced", "messages")
SYNC_OFF = "set local synchronous_commit to off"
COUNTER_PREFIX = "pipeline-bench:"
WRITES = ("insert", "update", "delete")


class Counters:
    def __init__(self):
        import threading

        self.lock = threading.Lock()
        self.counts = dict.fromkeys(COUNTER_KEYS, 0)

    def add(self, key, amount=1):
        with self.lock:
            self.counts[key] += amount

    def take(self):
        with self.lock:
            counts, self.counts = self.counts, dict.fromkeys(COUNTER_KEYS, 0)
        return counts

    def flush(self):
        """Add what was counted here to the totals in Redis, where every process adds its own."""
        import redis

        counts = self.take()
        with redis.Redis.from_url(os.environ["REDIS_URL"]).pipeline() as pipe:
            for key, amount in counts.items():
                pipe.incrby(COUNTER_PREFIX + key, amount)
            pipe.execute()

    def execute(self, execute, sql, params, many, context):
        """A Django execute wrapper: counts the statement, and its transaction if it writes."""
        self.add("statements")
        connection = context["connection"]
        if self._writes(sql):
            if not connection.in_atomic_block:
                self.add("transactions")  # autocommit: the statement is its transaction
            else:
                self._once_on_commit(connection, self._committed)
        elif sql.strip().lower() == SYNC_OFF and connection.in_atomic_block:
            self._once_on_commit(connection, self._committed_unsynced)
        return execute(sql, params, many, context)

    @staticmethod
    def _once_on_commit(connection, callback):
        """Run `callback` if this transaction commits, once however often it is asked."""
        if not any(entry[1] == callback for entry in connection.run_on_commit):
            connection.on_commit(callback)

    def _committed(self):
        self.add("transactions")

    def _committed_unsynced(self):
        self.add("unsynced")

    @staticmethod
    def _writes(sql):
        text = sql.lstrip().lower()
        return text.startswith(WRITES) or (text.startswith("select") and "for update" in text)

    def published(self, **kwargs):
        self.add("messages")


COUNTERS = Counters()


def read_counters():
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    return {key: int(client.get(COUNTER_PREFIX + key) or 0) for key in COUNTER_KEYS}


def install_worker_counters():
    """In a worker: count every connection's statements and every publish; flush per task."""
    from celery.signals import before_task_publish, task_postrun
    from django.db.backends.signals import connection_created

    def instrument(sender, connection, **kwargs):
        # Sent again on every reconnect of the same wrapper, which keeps its execute_wrappers.
        if COUNTERS.execute not in connection.execute_wrappers:
            connection.execute_wrappers.append(COUNTERS.execute)

    connection_created.connect(instrument, weak=False)
    before_task_publish.connect(COUNTERS.published, weak=False)
    task_postrun.connect(lambda **kwargs: COUNTERS.flush(), weak=False)


if os.environ.get("PIPELINE_BENCH_COUNTERS") == "1":
    install_worker_counters()


# --- the publishers' site ------------------------------------------------------------------


def page_urls(base_url, delay_ms):
    return {page: f"{base_url}/after/{delay_ms}/{page}" for page in PAGES}


# --- setup and cleanup ---------------------------------------------------------------------


def configure_environment(tmp_dir, port):
    """Settings are read from the environment when Django starts, here and in the workers,
    which start with a copy of this environment (tests/worker_process.py)."""
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 50)
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    os.environ["DEBUG"] = "0"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    # The site is on loopback, on a port of its own: what an on-premises install may allow.
    os.environ["URLCHECK_ALLOW_PRIVATE_NETWORKS"] = "1"
    os.environ["URLCHECK_ALLOWED_PORTS"] = f"80,443,{port}"
    os.environ["MEDIA_ROOT"] = str(tmp_dir / "media")
    os.environ["VAR_DIR"] = str(tmp_dir / "var")


def unreachable_server():
    """None when PostgreSQL and Redis both answer; otherwise what to tell the user."""
    import psycopg2
    import redis

    from config.env import database_from_url

    db = database_from_url(os.environ["DATABASE_URL"])
    try:
        ensure_database(db, db["NAME"])
    except psycopg2.Error as error:
        reason = str(error).strip().splitlines()[0]
        return (
            f"PostgreSQL at {db['HOST'] or 'localhost'}:{db['PORT'] or 5432} cannot be used "
            f"({reason}). Start it, or point DATABASE_URL at one."
        )
    try:
        redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        return (
            f"Redis at {os.environ['REDIS_URL']} cannot be reached ({error}). "
            "Start it, or point REDIS_URL at one."
        )
    return None


def delete_bench_rows():
    """The benchmark's publishers, their organisations and offers (checks, logos and events go
    with them)."""
    from accounts.models import User
    from offers.models import Offer
    from organisations.models import Organisation

    owners = User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}")
    organisations = Organisation.objects.filter(memberships__user__in=owners)
    Offer.objects.filter(organisation__in=organisations).delete()
    organisations.delete()
    owners.delete()


def empty_redis():
    """Messages left by an interrupted run would otherwise reach the workers."""
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()


# --- rounds --------------------------------------------------------------------------------


@dataclass
class Rounds:
    """What submitting some offers at once took, in seconds from the first submit_offer."""

    start: datetime  # the first submit_offer was called
    submitted: float  # all submit_offer calls returned
    over: float  # the last round was over: the offer moved on from its checks
    checks: list  # the Check rows of these rounds


def make_offers(owner, count, urls):
    from tests.factories import OfferFactory

    return [
        OfferFactory(owner=owner, **{f"{page}_url": url for page, url in urls.items()})
        for _ in range(count)
    ]


def run_rounds(offers, actor, poll_seconds, *, count=False):
    """Submit the offers one after the other, as publishers would; wait for every round.
    With `count`, what submit_offer writes and queues is counted (Counters)."""
    from django.utils import timezone

    start = timezone.now()
    if count:
        submit_counted(offers, actor)
    else:
        submit_all(offers, actor)
    submitted = timezone.now()
    ids = [offer.pk for offer in offers]
    wait_until_over(ids, poll_seconds)
    return Rounds(
        start=start,
        submitted=seconds_between(start, submitted),
        over=seconds_between(start, last_round_over(ids)),
        checks=checks_that_passed(ids),
    )


def submit_all(offers, actor):
    from offers.services import submit_offer

    for offer in offers:
        submit_offer(offer, actor=actor)


def submit_counted(offers, actor):
    from celery.signals import before_task_publish
    from django.db import connection

    before_task_publish.connect(COUNTERS.published)
    try:
        with connection.execute_wrapper(COUNTERS.execute):
            submit_all(offers, actor)
    finally:
        before_task_publish.disconnect(COUNTERS.published)
    COUNTERS.flush()


def wait_until_over(offer_ids, poll_seconds):
    """One primary-key query per poll: the figures do not depend on it, only the waiting."""
    from offers.models import Offer
    from offers.workflow import CHECKING_STATUSES

    deadline = time.monotonic() + ROUND_TIMEOUT_SECONDS
    open_rounds = Offer.objects.filter(pk__in=offer_ids, status__in=CHECKING_STATUSES)
    while open_rounds.exists():
        if time.monotonic() > deadline:
            raise RoundTimeout(f"Rounds still open after {ROUND_TIMEOUT_SECONDS} s.")
        time.sleep(poll_seconds)


def last_round_over(offer_ids):
    """When the last of these rounds ended: the worker's audit row of its last transition."""
    from django.db.models import Max

    from offers.models import OfferEvent, OfferStatus

    ends = OfferEvent.objects.filter(
        offer__in=offer_ids, to_status__in=(OfferStatus.IN_REVIEW, OfferStatus.CHANGES_NEEDED)
    )
    return ends.aggregate(last=Max("created_at"))["last"]


def checks_that_passed(offer_ids):
    """A check that did not pass measured something else (a refused port, a lost file): stop."""
    from offers.models import Check, CheckStatus

    checks = list(Check.objects.filter(offer__in=offer_ids))
    for check in checks:
        if check.status != CheckStatus.PASSED:
            raise SystemExit(f"A check did not pass, the figures would mean nothing: {check}")
    return checks


def seconds_between(start, end):
    return (end - start).total_seconds()


def time_direct_check(url):
    """The baseline: one check_url of the page, in this process, as a worker thread calls it."""
    from django.conf import settings

    from offers.checks.url import check_url

    start = time.perf_counter()
    result = check_url(url, kind="privacy", ports=settings.URLCHECK_ALLOWED_PORTS)
    elapsed = time.perf_counter() - start
    if result.outcome != "passed":
        raise SystemExit(f"The direct check of {url} did not pass: {result.message}")
    return elapsed


# --- worker processes ----------------------------------------------------------------------


def worker_processes(workers):
    """(label, pid) of every worker process: each worker, then its pool's processes."""
    rows = []
    for name, worker in workers.items():
        rows.append((f"{name} worker", worker.pid))
        rows += [(f"{name} pool process", pid) for pid in worker.child_pids()]
    return rows


def cpu_seconds(pid):
    """User and system time so far, fields 14 and 15 of /proc/<pid>/stat (see proc(5))."""
    after_name = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(after_name[11]) + int(after_name[12])) / os.sysconf("SC_CLK_TCK")


def process_memory(pid):
    """(RSS, peak RSS, PSS) in MiB. RSS counts the pages a pool process shares with its parent
    in both; PSS splits them between the sharers, so PSS figures add up."""
    status = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    pss = next(line.split(":", 1)[1] for line in rollup if line.startswith("Pss:"))
    return tuple(_mib(value) for value in (status["VmRSS"], status["VmHWM"], pss))


def _mib(kilobytes):
    return int(kilobytes.split()[0]) / 1024


# --- the two measurements ------------------------------------------------------------------


def measure_latency(owner, urls):
    """(direct check times, Rounds of one offer each), interleaved run by run."""
    direct, pipeline = [], []
    for offer in make_offers(owner, LATENCY_RUNS, urls):
        direct.append(time_direct_check(urls["privacy"]))
        pipeline.append(run_rounds([offer], owner, poll_seconds=0.02))
    return direct, pipeline


def measure_throughput(owner, urls, workers):
    """(Rounds of all the offers, CPU seconds each process used meanwhile by label, and what
    the Counters counted meanwhile)."""
    offers = make_offers(owner, THROUGHPUT_OFFERS, urls)
    processes = worker_processes(workers)
    before = [cpu_seconds(pid) for _label, pid in processes]
    counted_before = read_counters()
    own_before = time.process_time()
    rounds = run_rounds(offers, owner, poll_seconds=0.1, count=True)
    cpu = {"this process (submit_offer)": time.process_time() - own_before}
    for (label, pid), seconds in zip(processes, before, strict=True):
        cpu[f"{label} {pid}"] = cpu_seconds(pid) - seconds
    # A worker adds its counts once its task has returned, a moment after the round is over.
    time.sleep(1)
    counted = {key: value - counted_before[key] for key, value in read_counters().items()}
    return rounds, cpu, counted


# --- report --------------------------------------------------------------------------------


def finished_by(rounds, kinds):
    """Seconds from the first submit to the last check of these kinds finished."""
    checks = [check for check in rounds.checks if check.kind in kinds]
    return max(seconds_between(rounds.start, check.finished_at) for check in checks)


def median_run_ms(rounds, kinds):
    """Median milliseconds from a worker claiming a check of these kinds to it finishing."""
    checks = [check for check in rounds.checks if check.kind in kinds]
    return 1000 * statistics.median(
        seconds_between(check.started_at, check.finished_at) for check in checks
    )


def describe_round(rounds):
    """Where one offer's time went: submit, the URL checks' start and run, the logos."""
    from offers.models import CheckKind

    url_checks = [check for check in rounds.checks if check.kind != CheckKind.LOGO]
    started = [seconds_between(rounds.start, check.started_at) for check in url_checks]
    ran = [seconds_between(check.started_at, check.finished_at) for check in url_checks]
    logos = finished_by(rounds, {CheckKind.LOGO})
    return (
        f"submit {rounds.submitted:.3f} s; URL checks started at {min(started):.3f}"
        f"-{max(started):.3f} s, ran {min(ran):.3f}-{max(ran):.3f} s; logos done at {logos:.3f} s"
    )


def report_latency(direct, pipeline):
    print(
        f"Latency: one offer, its {len(PAGES)} pages each answering after {SLOW_PAGE_MS} ms "
        f"({LATENCY_RUNS} runs)"
    )
    for number, (baseline, rounds) in enumerate(zip(direct, pipeline, strict=True), 1):
        print(
            f"  run {number}: direct check {baseline:.3f} s, round over after {rounds.over:.3f} s"
            f" ({describe_round(rounds)})"
        )
    baseline = statistics.median(direct)
    over = statistics.median(rounds.over for rounds in pipeline)
    ratio = over / baseline
    print(f"  {'one direct check_url':<24} median {baseline:6.3f} s  (baseline)")
    print(
        f"  {'submit to round over':<24} median {over:6.3f} s  ratio {ratio:4.2f}x  "
        f"(target <= {MAX_LATENCY_RATIO:g})"
    )
    target = f"latency <= {MAX_LATENCY_RATIO:g}x one check"
    return target, ratio <= MAX_LATENCY_RATIO, f"{ratio:.2f}x"


def report_throughput(alone, rounds, cpu):
    from offers.models import CheckKind

    count = THROUGHPUT_OFFERS
    one = statistics.median(run.over for run in alone)
    url_kinds, logo_kind = set(CheckKind) - {CheckKind.LOGO}, {CheckKind.LOGO}
    urls, logos = finished_by(rounds, url_kinds), finished_by(rounds, logo_kind)
    print(f"Throughput: {count} offers submitted in a row, pages answering in {FAST_PAGE_MS} ms")
    print(f"  one offer alone: median {one:.3f} s of {ALONE_RUNS} runs (baseline)")
    print(
        f"  {count} offers: submit_offer calls done at {rounds.submitted:.2f} s, last URL check "
        f"at {urls:.2f} s, last logo check at {logos:.2f} s, last round over at {rounds.over:.2f} s"
    )
    print(
        f"  {count / rounds.over:.1f} offers/s, {len(rounds.checks) / rounds.over:.0f} checks/s; "
        f"{rounds.over / one:.0f}x the time of one offer alone ({count}x one at a time)"
    )
    print(
        f"  from claim to finish, median: URL check {median_run_ms(rounds, url_kinds):.0f} ms "
        f"(the page takes {FAST_PAGE_MS}), logo check {median_run_ms(rounds, logo_kind):.0f} ms"
    )
    print(f"  CPU used meanwhile, of {os.cpu_count()} cores x {rounds.over:.2f} s:")
    for label, seconds in cpu.items():
        print(f"    {label:<30} {seconds:5.2f} s")
    workers_cpu = sum(seconds for label, seconds in cpu.items() if "worker" in label)
    per_offer = workers_cpu / count
    print(
        f"  {count / rounds.over:.1f} offers/s against a ceiling of "
        f"{os.cpu_count() / per_offer:.1f} offers/s: {os.cpu_count()} cores / "
        f"{1000 * per_offer:.1f} ms of worker CPU per offer (submit_offer and PostgreSQL not "
        "counted)"
    )


def report_writes(counted):
    """Per checked offer, over the throughput run (Counters says what each figure counts)."""
    per_offer = {key: value / THROUGHPUT_OFFERS for key, value in counted.items()}
    transactions = per_offer["transactions"] - per_offer["unsynced"]
    print(f"Writes per checked offer ({THROUGHPUT_OFFERS} offers, web and workers together)")
    print(f"  SQL statements                                 {per_offer['statements']:5.1f}")
    print(f"  transactions that wrote                        {per_offer['transactions']:5.1f}")
    print(f"    committing (each waits for an fsync)         {transactions:5.1f}")
    print(f"    with synchronous_commit off (no fsync wait)  {per_offer['unsynced']:5.1f}")
    print(f"  broker messages                                {per_offer['messages']:5.1f}")
    target = f"<= {MAX_TRANSACTIONS_PER_OFFER} committing transactions per checked offer"
    return target, transactions <= MAX_TRANSACTIONS_PER_OFFER, f"{transactions:.1f}"


def report_memory(rows):
    print("Worker memory after the throughput run (/proc/<pid>/status and smaps_rollup)")
    for label, pid, rss, peak, pss in rows:
        print(
            f"  {label:<20} pid {pid:<8} RSS {rss:6.1f} MiB  peak {peak:6.1f} MiB  "
            f"PSS {pss:6.1f} MiB"
        )
    total_rss = sum(row[2] for row in rows)
    total_pss = sum(row[4] for row in rows)
    label = f"all {len(rows)} processes"
    print(f"  {label:<29} RSS {total_rss:6.1f} MiB{'':21}PSS {total_pss:6.1f} MiB")


def print_verdicts(targets):
    print("Targets")
    for target, passed, detail in targets:
        print(f"  {'PASS' if passed else 'FAIL'}  {target}  ({detail})")


# --- main ----------------------------------------------------------------------------------


def benchmark(base_url, workers):
    from tests.factories import publisher

    owner = publisher(f"{uuid.uuid4().hex[:12]}@{BENCH_DOMAIN}")
    slow_urls, fast_urls = page_urls(base_url, SLOW_PAGE_MS), page_urls(base_url, FAST_PAGE_MS)
    # First tasks import Pillow and open database connections: not what a running site pays.
    run_rounds(make_offers(owner, 1, fast_urls), owner, poll_seconds=0.02)
    time_direct_check(fast_urls["privacy"])

    direct, pipeline = measure_latency(owner, slow_urls)
    alone = [
        run_rounds([offer], owner, 0.02) for offer in make_offers(owner, ALONE_RUNS, fast_urls)
    ]
    rounds, cpu, counted = measure_throughput(owner, fast_urls, workers)
    memory = [(label, pid, *process_memory(pid)) for label, pid in worker_processes(workers)]

    print(f"Checking pipeline benchmark: workers {describe_workers()}")
    print()
    targets = [report_latency(direct, pipeline)]
    print()
    report_throughput(alone, rounds, cpu)
    print()
    targets.append(report_writes(counted))
    print()
    report_memory(memory)
    print()
    print_verdicts(targets)
    return 0 if all(passed for _target, passed, _detail in targets) else 1


def describe_workers():
    return "; ".join(
        f"{name} ({', '.join(options['queues'])}) {options['pool']} x{options['concurrency']}"
        for name, options in WORKERS.items()
    )


def run(base_url):
    from django.core.management import call_command

    from tests.worker_process import celery_worker

    call_command("migrate", verbosity=0)
    delete_bench_rows()
    empty_redis()
    try:
        with (
            celery_worker(**WORKERS["urls"], **COUNTING) as urls,
            celery_worker(**WORKERS["logos"], **COUNTING) as logos,
        ):
            workers = {"urls": urls, "logos": logos}
            try:
                return benchmark(base_url, workers)
            except RoundTimeout as timeout:
                for name, worker in workers.items():
                    print(f"--- {name} worker log, last lines ---\n{worker.log()[-3000:]}")
                raise SystemExit(str(timeout)) from None
    finally:
        delete_bench_rows()
        empty_redis()


def main():
    tmp_dir = Path(tempfile.mkdtemp(prefix="offerdesk-pipeline-"))
    try:
        with serve() as (base_url, _hits):
            configure_environment(tmp_dir, int(base_url.rsplit(":", 1)[1]))
            problem = unreachable_server()
            if problem:
                print(f"Pipeline benchmark not run: {problem}", file=sys.stderr)
                return 2
            import django

            django.setup()
            return run(base_url)
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
