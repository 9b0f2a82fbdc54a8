"""Benchmark of the reviewers' queue: its default page with 10,000 offers against 100.

Run with `make bench` (or `.venv/bin/python bench/dashboard.py`). It needs PostgreSQL: the
server of DATABASE_URL (by default postgres://postgres@127.0.0.1:5432), but always two databases
of its own on it, whatever DATABASE_URL names: offerdesk_bench_dash with 10,000 offers and
offerdesk_bench_dash_100 with 100. Each is created when missing, migrated, emptied and seeded on
every run (bulk inserts: publishers, profiles, offers in every state and their checks), then
VACUUM ANALYZE'd, as autovacuum would leave a live table.

The 100 offers are every 100th of the 10,000, so both sets have the same mix: most old offers
decided, most recent ones open, a tenth drafts, each revision with its checks.

The page is requested through django.test.Client (the whole middleware stack, a signed-in
reviewer, DEBUG off) in rounds that alternate between the two databases in a shuffled order,
so that a noisy neighbour or a CPU frequency change hits both alike. The figure is the median
time on 10,000 offers divided by the median on 100. Target: at most MAX_RATIO, and the same
number of queries on both. Exit status 1 when missed, 2 when PostgreSQL cannot be used.

Also printed: each query's EXPLAIN ANALYZE time on both (`--explain` prints the plans), and,
for the record only, a few filtered views whose work grows with the offers.
"""

import gc
import os
import random
import statistics
import sys
import time
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.postgres import ensure_database  # noqa: E402

DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres"
LARGE_DATABASE = "offerdesk_bench_dash"
SMALL_DATABASE = "offerdesk_bench_dash_100"
LARGE, SMALL = 10_000, 100
MAX_RATIO = 1.5
ROUNDS = 12  # per database, alternating
WARMUP_PER_ROUND = 5  # the first requests after switching databases open its connection
TIMED_PER_ROUND = 25
# Other views, timed for the record and with fewer requests: no target, their work grows with
# the offers (a check outcome is worked out for every offer in the state, a search reads all).
OTHER_VIEWS = {
    "checks: some failed": {"outcome": "failed"},
    "search: contoso": {"q": "contoso"},
    "every state, by app name": {"state": "all", "sort": "app_name"},
}
OTHER_ROUNDS = 3
OTHER_PER_ROUND = 8
OFFERS_PER_PUBLISHER = 5
REVIEWERS = 6
BENCH_DOMAIN = "dashboard-bench.invalid"
NOW = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
HISTORY_DAYS = 730
COMPANIES = ("Contoso", "Fabrikam", "Northwind", "Tailspin", "Litware", "Adventure Works")


def configure_django():
    """Settings come from the environment; give them safe values before Django reads them."""
    url = os.environ.get("DATABASE_URL") or DEFAULT_SERVER_URL
    os.environ["DATABASE_URL"] = with_database(url, LARGE_DATABASE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 50)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    # Always the production stack: DEBUG changes the security settings and logs every query.
    os.environ["DEBUG"] = "0"
    # The report, not a JSON line for each of the requests it times.
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

    import django

    django.setup()


def with_database(url, name):
    """The same server and credentials, another database: never the one DATABASE_URL names."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


# --- databases -----------------------------------------------------------------------------


def unreachable_server():
    """None when both databases can be used (created when missing); otherwise why not."""
    import psycopg2
    from django.db import connection

    db = connection.settings_dict
    try:
        for name in (LARGE_DATABASE, SMALL_DATABASE):
            ensure_database(db, name)
    except psycopg2.Error as error:
        reason = str(error).strip().splitlines()[0]
        return (
            f"PostgreSQL at {db['HOST'] or 'localhost'}:{db['PORT'] or 5432} cannot be used "
            f"({reason}). Start it, or point DATABASE_URL at its server."
        )
    return None


def use_database(name):
    """Point Django's one connection at another database: the next query connects there."""
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


# --- seeding -------------------------------------------------------------------------------

OPEN_WEIGHTS = {
    "submitted": 1,
    "validating": 1,
    "changes_needed": 2,
    "in_review": 4,
    "changes_requested": 2,
}
DECIDED_WEIGHTS = {"approved": 6, "rejected": 2, "withdrawn": 2}


def offer_specs(count):
    """`count` offers, oldest first: (number, status, submitted_at, revision). The older an
    offer, the likelier it is decided; a tenth are drafts, never submitted."""
    rng = random.Random(20250602)
    specs = []
    for number in range(count):
        age = 1 - number / count  # 1 for the oldest, 0 for the newest
        submitted_at = NOW - timedelta(days=HISTORY_DAYS * age, minutes=rng.randrange(1440))
        if rng.random() < 0.1:
            specs.append((number, "draft", None, 0))
            continue
        weights = OPEN_WEIGHTS if rng.random() < (0.1 if age > 0.3 else 0.8) else DECIDED_WEIGHTS
        status = rng.choices(list(weights), list(weights.values()))[0]
        specs.append((number, status, submitted_at, rng.choice((1, 1, 1, 2, 2, 3))))
    return specs


def seed(specs):
    """Reviewers, then the publishers, their organisations, offers and checks of these specs,
    in bulk."""
    from accounts.models import Role, User
    from offers.models import Offer
    from organisations.models import Membership, Organisation
    from tests.factories import give_two_factor

    reviewers = User.objects.bulk_create(
        User(email=f"reviewer{n}@{BENCH_DOMAIN}", role=Role.REVIEWER, password="!")
        for n in range(REVIEWERS)
    )
    for reviewer in reviewers:
        give_two_factor(reviewer)  # the queue opens only for a reviewer with a second factor
    owner_numbers = sorted({number // OFFERS_PER_PUBLISHER for number, *_rest in specs})
    owners = User.objects.bulk_create(
        User(email=f"publisher{n}@{BENCH_DOMAIN}", password="!") for n in owner_numbers
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(
            company_name=f"{COMPANIES[n % len(COMPANIES)]} {n}",
            registration_type="mpn",
            mpn_id=f"{4000000 + n}",
            microsoft_account=f"partner{n}@{BENCH_DOMAIN}",
        )
        for n in owner_numbers
    )
    Membership.objects.bulk_create(
        Membership(organisation=organisation, user=owner, role="owner")
        for organisation, owner in zip(organisations, owners, strict=True)
    )
    owner_of = dict(zip(owner_numbers, zip(owners, organisations, strict=True), strict=True))
    offers = Offer.objects.bulk_create(
        (new_offer(spec, owner_of[spec[0] // OFFERS_PER_PUBLISHER], reviewers) for spec in specs),
        batch_size=2000,
    )
    seed_checks(offers)
    return reviewers[0]


def new_offer(spec, owner_and_organisation, reviewers):
    from offers.models import Offer

    owner, organisation = owner_and_organisation
    number, status, submitted_at, revision = spec
    decided_or_taken = status in ("in_review", "changes_requested", *DECIDED_WEIGHTS)
    return Offer(
        organisation=organisation,
        created_by=owner,
        status=status,
        submitted_at=submitted_at,
        revision=revision,
        assigned_to=reviewers[number % REVIEWERS] if decided_or_taken else None,
        app_name=f"{COMPANIES[number % len(COMPANIES)]} App {number}",
        support_url=f"https://{BENCH_DOMAIN}/{number}/support",
        privacy_url=f"https://{BENCH_DOMAIN}/{number}/privacy",
        terms_url=f"https://{BENCH_DOMAIN}/{number}/terms",
        description_html="<p>Schedules <strong>field</strong> crews.</p>",
    )


# What the checks of the current revision say in each state; earlier revisions failed one.
CURRENT_CHECKS = {
    "submitted": ("pending",) * 7,
    "validating": ("passed", "passed", "running", "passed", "pending", "passed", "pending"),
    "changes_needed": ("passed",) * 5 + ("failed", "passed"),
    "withdrawn": ("passed",) * 6 + ("error",),
}


def seed_checks(offers):
    """Seven checks (four logo slots, three URLs) per revision of every submitted offer."""
    from django.db.models import F

    from offers.models import Check, Offer

    rows = []
    for offer in offers:
        for revision in range(1, offer.revision + 1):
            current = revision == offer.revision
            statuses = CURRENT_CHECKS.get(offer.status, ("passed",) * 7) if current else None
            rows += revision_checks(offer, revision, statuses or ("passed",) * 6 + ("failed",))
    Check.objects.bulk_create(rows, batch_size=5000)
    # auto_now stamped every offer with the seeding time; the last change follows submission.
    submitted = Offer.objects.exclude(submitted_at=None)
    submitted.update(updated_at=F("submitted_at") + timedelta(hours=6))


def revision_checks(offer, revision, statuses):
    from offers.models import Check

    subjects = [("logo", slot.key) for slot in offer.requirements.logo_slots] + [
        ("support_url", offer.support_url),
        ("privacy_url", offer.privacy_url),
        ("terms_url", offer.terms_url),
    ]
    return [
        Check(offer=offer, revision=revision, kind=kind, subject=subject, status=status)
        for (kind, subject), status in zip(subjects, statuses, strict=True)
    ]


def prepare(name, specs):
    """Migrate, empty, seed and analyse one database; return its reviewer."""
    from django.core.management import call_command
    from django.db import connection

    use_database(name)
    call_command("migrate", verbosity=0)
    # flush truncates every table: safe only because this database is the benchmark's own.
    call_command("flush", interactive=False, verbosity=0)
    reviewer = seed(specs)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return reviewer


# --- timing --------------------------------------------------------------------------------


def signed_in_client(name, reviewer):
    """A client with a session in this database (each database has its own session table)."""
    from django.test import Client

    use_database(name)
    client = Client()
    client.force_login(reviewer)
    return client


def get_page(client, query=None):
    from django.urls import reverse

    response = client.get(reverse("review:dashboard"), query or {})
    if response.status_code != 200:
        raise SystemExit(f"The queue answered {response.status_code}, not 200: {response}")
    return response


def time_once(client, query):
    # As timeit does: no collector pause lands inside one request and not in another.
    gc.disable()
    try:
        start = time.perf_counter()
        get_page(client, query)
        return time.perf_counter() - start
    finally:
        gc.enable()


def measure(clients, query=None, rounds=ROUNDS, per_round=TIMED_PER_ROUND):
    """{database: [seconds, ...]}: rounds alternate between the databases, in shuffled order,
    so that a noisy neighbour or a CPU frequency change hits both alike."""
    rng = random.Random(2024)
    samples = {name: [] for name in clients}
    order = list(clients)
    for _round in range(rounds):
        rng.shuffle(order)
        for name in order:
            use_database(name)
            for _ in range(WARMUP_PER_ROUND):
                get_page(clients[name], query)
            gc.collect()
            samples[name] += [time_once(clients[name], query) for _ in range(per_round)]
    return {name: statistics.median(values) for name, values in samples.items()}


def page_queries(name, client):
    """(rows shown, the SQL of one request with its parameters as the database ran it)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    use_database(name)
    get_page(client)
    with CaptureQueriesContext(connection) as captured:
        response = get_page(client)
    rows = response.content.count(b'<th scope="row">')
    return rows, [query["sql"] for query in captured.captured_queries]


def explain(name, queries):
    """EXPLAIN ANALYZE of each SELECT: (sql, execution ms, plan lines)."""
    from django.db import connection

    use_database(name)
    plans = []
    with connection.cursor() as cursor:
        for sql in queries:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            lines = [row[0] for row in cursor.fetchall()]
            milliseconds = float(lines[-1].split(":")[1].split()[0])
            plans.append((sql, milliseconds, lines))
    return plans


# --- report --------------------------------------------------------------------------------


def report_queries(small, large, show_plans):
    print("Queries of the default page: EXPLAIN ANALYZE execution time")
    print(f"  {'':>3} {SMALL:>7,} {LARGE:>7,} offers")
    for number, (small_plan, large_plan) in enumerate(zip(small, large, strict=True), 1):
        sql = large_plan[0]
        what = sql[:80].replace("\n", " ") + ("…" if len(sql) > 80 else "")
        print(f"  {number:>2}. {small_plan[1]:7.2f} {large_plan[1]:7.2f} ms  {what}")
        if show_plans:
            print("\n".join(f"        {line}" for line in large_plan[2]))


def report_time(label, medians, target=None):
    """One line: the median on each database and their ratio. Returns the ratio."""
    small, large = medians[SMALL_DATABASE], medians[LARGE_DATABASE]
    ratio = large / small
    note = f"(target <= {target:g})" if target else "(for the record)"
    print(
        f"  {label:<26} {small * 1000:7.2f} ms {large * 1000:8.2f} ms   ratio {ratio:5.2f}x  {note}"
    )
    return ratio


def seed_both():
    """Prepare both databases; return ({database: reviewer}, seconds it took)."""
    specs = offer_specs(LARGE)
    started = time.perf_counter()
    reviewers = {
        SMALL_DATABASE: prepare(SMALL_DATABASE, specs[:: LARGE // SMALL]),
        LARGE_DATABASE: prepare(LARGE_DATABASE, specs),
    }
    return reviewers, time.perf_counter() - started


def run(show_plans):
    from offers.models import Offer

    reviewers, seconds = seed_both()
    clients = {name: signed_in_client(name, reviewer) for name, reviewer in reviewers.items()}
    small_rows, small_sql = page_queries(SMALL_DATABASE, clients[SMALL_DATABASE])
    large_rows, large_sql = page_queries(LARGE_DATABASE, clients[LARGE_DATABASE])
    open_offers = Offer.objects.filter(status__in=OPEN_WEIGHTS).count()

    print(f"Review queue benchmark on PostgreSQL, DEBUG off, seeded in {seconds:.1f} s")
    print(
        f"  {LARGE:,} offers ({open_offers:,} open) against {SMALL}. Default page: open offers,"
        f" oldest submission first, {large_rows} rows ({small_rows} with {SMALL} offers)"
    )
    print()
    report_queries(
        explain(SMALL_DATABASE, small_sql), explain(LARGE_DATABASE, large_sql), show_plans
    )
    print()
    print(f"Request time, median  {'':<14} {SMALL:>7,} {LARGE:>11,} offers")
    timed = ROUNDS * TIMED_PER_ROUND
    ratio = report_time(f"default page ({timed} each)", measure(clients), MAX_RATIO)
    for label, query in OTHER_VIEWS.items():
        report_time(label, measure(clients, query, OTHER_ROUNDS, OTHER_PER_ROUND))
    same = len(small_sql) == len(large_sql)
    targets = [
        (
            f"default page with {LARGE:,} offers <= {MAX_RATIO:g}x with {SMALL}",
            ratio <= MAX_RATIO,
            f"{ratio:.2f}x",
        ),
        (
            f"same queries with {SMALL} and {LARGE:,} offers",
            same,
            f"{len(small_sql)} and {len(large_sql)}",
        ),
    ]
    print()
    print("Targets")
    for target, passed, detail in targets:
        print(f"  {'PASS' if passed else 'FAIL'}  {target}  ({detail})")
    return 0 if all(passed for _target, passed, _detail in targets) else 1


def main():
    configure_django()
    problem = unreachable_server()
    if problem:
        print(f"Review queue benchmark not run: {problem}", file=sys.stderr)
        return 2
    return run(show_plans="--explain" in sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
