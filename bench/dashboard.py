"""Benchmark of the reviewers' queue: every view of it with 100,000 offers against 100.

Run with `make bench` (or `.venv/bin/python bench/dashboard.py`). It needs PostgreSQL: the
server of DATABASE_URL (by default postgres://postgres@127.0.0.1:5432), but always two databases
of its own on it, whatever DATABASE_URL names: offerdesk_bench_dash with 100,000 offers and
offerdesk_bench_dash_100 with 100. Each is created when missing, migrated, emptied and seeded on
every run (bulk inserts: publishers, organisations, offers in every state; their million checks
by one INSERT ... SELECT), then VACUUM ANALYZE'd, as autovacuum would leave a live table.

The 100 offers are every 1000th of the 100,000, so both sets have the same mix: most old offers
decided, most recent ones open, a tenth drafts, each revision with its checks.

Every view of the queue is timed: the default page (open offers, oldest submission first), each
state, assigned to me and unassigned, each check outcome, overdue only, searches that find a
handful of offers (a company name, an app name, an MPN ID, a publisher's e-mail address), and
every sort in both directions. Each is requested through django.test.Client (the whole
middleware stack, a signed-in reviewer, DEBUG off) in rounds that alternate between the two
databases in a shuffled order, so that a noisy neighbour or a CPU frequency change hits both
alike. The figure is the median time on 100,000 offers divided by the median on 100. Target for
every view: at most MAX_RATIO, and the same number of queries on both. A search that matches a
sixth of all offers is timed for the record only: the counts per state count every offer it
finds. Exit status 1 when a target is missed, 2 when PostgreSQL cannot be used.

Also printed for each view: its rows on both, and its queries' EXPLAIN ANALYZE time on both
(`--explain` prints the plans on 100,000 offers).
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
LARGE, SMALL = 100_000, 100
MAX_RATIO = 1.5
ROUNDS = 6  # per view and database, alternating
WARMUP_PER_ROUND = 3  # the first requests after switching databases open its connection
TIMED_PER_ROUND = 15
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


# What the checks of the current revision say in each state (all passed in the others); the
# checks of earlier revisions all passed but the last, which failed.
CURRENT_CHECKS = {
    "submitted": ("pending",) * 7,
    "validating": ("passed", "passed", "running", "passed", "pending", "passed", "pending"),
    "changes_needed": ("passed",) * 5 + ("failed", "passed"),
    "withdrawn": ("passed",) * 6 + ("error",),
}
# Every third offer sent back by its checks could not be checked, rather than failed one.
NOT_CHECKED = ("passed",) * 6 + ("error",)
EARLIER_CHECKS = ("passed",) * 6 + ("failed",)
ALL_PASSED = ("passed",) * 7


def current_checks(number, status):
    if status == "changes_needed" and number % 3 == 0:
        return NOT_CHECKED
    return CURRENT_CHECKS.get(status, ALL_PASSED)


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
        (User(email=publisher_email(n), password="!") for n in owner_numbers), batch_size=5000
    )
    organisations = Organisation.objects.bulk_create(
        (
            Organisation(
                company_name=company_name(n),
                registration_type="mpn",
                mpn_id=mpn_id(n),
                microsoft_account=f"partner{n}@{BENCH_DOMAIN}",
            )
            for n in owner_numbers
        ),
        batch_size=5000,
    )
    Membership.objects.bulk_create(
        (
            Membership(organisation=organisation, user=owner, role="owner")
            for organisation, owner in zip(organisations, owners, strict=True)
        ),
        batch_size=5000,
    )
    owner_of = dict(zip(owner_numbers, zip(owners, organisations, strict=True), strict=True))
    Offer.objects.bulk_create(
        (new_offer(spec, owner_of[spec[0] // OFFERS_PER_PUBLISHER], reviewers) for spec in specs),
        batch_size=5000,
    )
    seed_checks()
    return reviewers[0]


def company_name(publisher):
    return f"{COMPANIES[publisher % len(COMPANIES)]} {publisher}"


def mpn_id(publisher):
    return f"{4000000 + publisher}"


def publisher_email(publisher):
    return f"publisher{publisher}@{BENCH_DOMAIN}"


def app_name(number):
    return f"{COMPANIES[number % len(COMPANIES)]} App {number}"


def new_offer(spec, owner_and_organisation, reviewers):
    from offers.models import CheckOutcome, Offer, round_outcome

    owner, organisation = owner_and_organisation
    number, status, submitted_at, revision = spec
    decided_or_taken = status in ("in_review", "changes_requested", *DECIDED_WEIGHTS)
    submitted = status != "draft"
    reviewer = reviewers[number % REVIEWERS] if decided_or_taken else None
    return Offer(
        organisation=organisation,
        created_by=owner,
        status=status,
        submitted_at=submitted_at,
        revision=revision,
        assigned_to=reviewer,
        assigned_to_email=reviewer.email if reviewer else None,  # as offers.services.assign
        # As offers.checks.rounds stores it for the checks seed_checks() makes.
        check_outcome=(
            round_outcome(current_checks(number, status)) if submitted else CheckOutcome.NONE
        ),
        app_name=app_name(number),
        support_url=f"https://{BENCH_DOMAIN}/{number}/support",
        privacy_url=f"https://{BENCH_DOMAIN}/{number}/privacy",
        terms_url=f"https://{BENCH_DOMAIN}/{number}/terms",
        description_html="<p>Schedules <strong>field</strong> crews.</p>",
    )


# Seven checks (four logo slots, three URLs) per revision of every submitted offer, made by the
# database itself: a million rows would take minutes through bulk_create. %(...)s are filled
# from Python (the items, and what the current round says in each state); the offer's number is
# in its app name, as app_name() wrote it.
CHECKS_SQL = """
INSERT INTO offers_check (
    offer_id, revision, kind, subject, status, message, message_template, message_params,
    warnings, details, attempts, created_at, finished_at
)
SELECT
    offer.id,
    round.revision,
    item.kind,
    CASE item.kind
        WHEN 'support_url' THEN offer.support_url
        WHEN 'privacy_url' THEN offer.privacy_url
        WHEN 'terms_url' THEN offer.terms_url
        ELSE item.subject
    END,
    CASE
        WHEN round.revision < offer.revision THEN earlier.status
        ELSE COALESCE(current.status, 'passed')
    END,
    '', '', '{}', '[]', '{}', 1, offer.submitted_at, offer.submitted_at
FROM offers_offer AS offer
CROSS JOIN LATERAL generate_series(1, offer.revision) AS round(revision)
CROSS JOIN (VALUES %(items)s) AS item(position, kind, subject)
JOIN (VALUES %(earlier)s) AS earlier(position, status) ON earlier.position = item.position
LEFT JOIN (VALUES %(current)s) AS current(state, not_checked, position, status)
    ON current.state = offer.status
    AND current.not_checked = (split_part(offer.app_name, ' App ', 2)::integer %% 3 = 0)
    AND current.position = item.position
"""


def seed_checks():
    """The checks of every revision of every submitted offer; then each offer's last change
    follows its submission (auto_now stamped them all with the seeding time)."""
    from django.db import connection

    from offers.requirements import CURRENT_VERSION, get_profile

    subjects = [("logo", slot.key) for slot in get_profile(CURRENT_VERSION).logo_slots] + [
        ("support_url", ""),
        ("privacy_url", ""),
        ("terms_url", ""),
    ]
    items = [(position, kind, subject) for position, (kind, subject) in enumerate(subjects)]
    earlier = list(enumerate(EARLIER_CHECKS))
    current = [
        (state, number % 3 == 0, position, status)
        for state in CURRENT_CHECKS
        for number in (0, 1)
        for position, status in enumerate(current_checks(number, state))
    ]
    with connection.cursor() as cursor:
        sql = CHECKS_SQL % {
            "items": values(cursor, items),
            "earlier": values(cursor, earlier),
            "current": values(cursor, current),
        }
        cursor.execute(sql)
        cursor.execute(
            "UPDATE offers_offer SET updated_at = submitted_at + interval '6 hours' "
            "WHERE submitted_at IS NOT NULL"
        )


def values(cursor, rows):
    """A VALUES list of these rows, each value quoted by the driver."""
    return ", ".join(cursor.mogrify("%s", [tuple(row)]).decode() for row in rows)


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


# --- the views -----------------------------------------------------------------------------


def queue_views(specs):
    """[(label, query string, whether it has a target)]: every view of the queue. The searches
    look for an offer that both databases hold, open, and its publisher."""
    from review.forms_dashboard import OUTCOME_CHOICES, SORT_CHOICES, STATE_CHOICES

    number = searched_offer(specs)
    publisher = number // OFFERS_PER_PUBLISHER
    return [
        ("default: open, oldest first", {}, True),
        *((f"state: {state}", {"state": state}, True) for state, _ in STATE_CHOICES[1:]),
        ("assigned to me", {"assigned": "me"}, True),
        ("unassigned", {"assigned": "none"}, True),
        *((f"checks: {outcome}", {"outcome": outcome}, True) for outcome, _ in OUTCOME_CHOICES[1:]),
        ("overdue only", {"overdue": "on"}, True),
        ("search: company name", {"q": company_name(publisher)}, True),
        ("search: app name", {"q": app_name(number)}, True),
        ("search: MPN ID", {"q": mpn_id(publisher)}, True),
        ("search: publisher e-mail", {"q": publisher_email(publisher)}, True),
        *((f"sort: {sort}", {"sort": sort}, True) for sort, _ in SORT_CHOICES[1:]),
        # A sixth of all offers: the counts per state count every one of them.
        ("search: contoso (a sixth)", {"q": "contoso"}, False),
    ]


def searched_offer(specs):
    """The number of an open offer in both databases whose name, and whose publisher's, no other
    offer's or publisher's contains (five digits or more)."""
    step = LARGE // SMALL
    return next(
        number
        for number, status, *_rest in specs[::step]
        if status in OPEN_WEIGHTS and number // OFFERS_PER_PUBLISHER >= 2000
    )


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


def measure(clients, query=None):
    """{database: median seconds}: rounds alternate between the databases, in shuffled order,
    so that a noisy neighbour or a CPU frequency change hits both alike."""
    rng = random.Random(2024)
    samples = {name: [] for name in clients}
    order = list(clients)
    for _round in range(ROUNDS):
        rng.shuffle(order)
        for name in order:
            use_database(name)
            for _ in range(WARMUP_PER_ROUND):
                get_page(clients[name], query)
            gc.collect()
            samples[name] += [time_once(clients[name], query) for _ in range(TIMED_PER_ROUND)]
    return {name: statistics.median(values) for name, values in samples.items()}


def page_queries(name, client, query):
    """(rows shown, the SQL of one request with its parameters as the database ran it)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    use_database(name)
    get_page(client, query)
    with CaptureQueriesContext(connection) as captured:
        response = get_page(client, query)
    rows = response.content.count(b'<th scope="row">')
    return rows, [captured_query["sql"] for captured_query in captured.captured_queries]


def explain(name, queries):
    """EXPLAIN ANALYZE of each query that reads: [(sql, execution ms, plan lines)]. Without
    timing each plan node, whose overhead would swell the plans that read many rows; a cursor
    that Django declares for an iterator() is explained as the SELECT it runs."""
    from django.db import connection

    use_database(name)
    plans = []
    with connection.cursor() as cursor:
        for sql in queries:
            if sql.startswith("DECLARE "):
                sql = sql.partition(" FOR ")[2]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) {sql}")
            lines = [row[0] for row in cursor.fetchall()]
            milliseconds = float(lines[-1].split(":")[1].split()[0])
            plans.append((sql, milliseconds, lines))
    return plans


# --- report --------------------------------------------------------------------------------


def seed_both(specs):
    """Prepare both databases; return ({database: reviewer}, seconds it took)."""
    started = time.perf_counter()
    reviewers = {
        SMALL_DATABASE: prepare(SMALL_DATABASE, specs[:: LARGE // SMALL]),
        LARGE_DATABASE: prepare(LARGE_DATABASE, specs),
    }
    return reviewers, time.perf_counter() - started


def run_view(clients, label, query, target, show_plans):
    """Time one view; print its line of the table. Returns whether it met its targets."""
    shown = {}
    for name, client in clients.items():
        rows, sql = page_queries(name, client, query)
        shown[name] = (rows, sql, explain(name, sql))
    medians = measure(clients, query)
    small, large = medians[SMALL_DATABASE], medians[LARGE_DATABASE]
    ratio = large / small
    (small_rows, small_sql, small_plans) = shown[SMALL_DATABASE]
    (large_rows, large_sql, large_plans) = shown[LARGE_DATABASE]
    same = len(small_sql) == len(large_sql)
    passed = ratio <= MAX_RATIO and same
    verdict = ("PASS" if passed else "FAIL") if target else "(record)"
    small_db = sum(plan[1] for plan in small_plans)
    large_db = sum(plan[1] for plan in large_plans)
    print(
        f"  {label:<32} {small * 1000:7.2f} {large * 1000:8.2f} {ratio:6.2f}x"
        f" {small_rows:>4}/{large_rows:<4} {len(small_sql):>3}/{len(large_sql):<3}"
        f" {small_db:6.2f} {large_db:7.2f}  {verdict}",
        flush=True,
    )
    if show_plans:
        for sql, milliseconds, lines in large_plans:
            print(f"      {milliseconds:.2f} ms  {sql[:100]}")
            print("\n".join(f"        {line}" for line in lines))
    return passed or not target


def run(show_plans):
    from offers.models import Offer

    specs = offer_specs(LARGE)
    reviewers, seconds = seed_both(specs)
    clients = {name: signed_in_client(name, reviewer) for name, reviewer in reviewers.items()}
    use_database(LARGE_DATABASE)
    open_offers = Offer.objects.filter(status__in=OPEN_WEIGHTS).count()

    print(f"Review queue benchmark on PostgreSQL, DEBUG off, seeded in {seconds:.1f} s")
    print(f"  {LARGE:,} offers ({open_offers:,} open) against {SMALL}, every view of the queue.")
    print(
        f"  Request time: median of {ROUNDS * TIMED_PER_ROUND} requests on each, in {ROUNDS}"
        " alternating rounds. Rows shown, queries per request, and the EXPLAIN ANALYZE time of"
        " those queries, on each."
    )
    print()
    print(
        f"  {'view':<32} {'ms: 100':>7} {'100,000':>8} {'ratio':>7} {'rows':>9} {'queries':>7}"
        f" {'SQL ms: 100':>6} {'100,000':>7}  target <= {MAX_RATIO:g}x"
    )
    results = [
        (label, run_view(clients, label, query, target, show_plans))
        for label, query, target in queue_views(specs)
    ]
    missed = [label for label, passed in results if not passed]
    print()
    if missed:
        print(f"FAIL  {len(missed)} of {len(results)} views missed a target: {', '.join(missed)}")
        return 1
    print(f"PASS  every view with a target: at most {MAX_RATIO:g}x, the same queries on both")
    return 0


def main():
    configure_django()
    problem = unreachable_server()
    if problem:
        print(f"Review queue benchmark not run: {problem}", file=sys.stderr)
        return 2
    return run(show_plans="--explain" in sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
