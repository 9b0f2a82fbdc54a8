"""Load test of the production shape, started on this machine as README's "without Docker" says:
gunicorn from config/gunicorn.py with DEBUG off, the two Celery workers, PostgreSQL, Redis and
an object store (SeaweedFS, as the tests start it), with the publishers' pages on a local site.

Run with `make load` (or `make bench`). locust (bench/locustfile.py) plays 50 publishers walking
the wizard with real logos and opening "My offers", and 5 reviewers paging, filtering and
searching the queue, plus two probes: a bare page (/healthz) and the sign-in page:

1. paced: everyone waits 1 to 3 s between pages, as people do; a 1-minute ramp, then 3 minutes
   measured;
2. unpaced: nobody waits, to find the most requests per second the machine serves; a short ramp,
   then LOAD_MAX_SECONDS (90) measured;
3. sign-in only: 50 people opening the sign-in page without waiting, measured as long: the most
   sign-in pages per second the machine serves.

For each page: requests per second, p50, p95 and p99 in ms, errors, and p50/p95/p99 as ratios to
the sign-in page's under the same load. Targets (exit status 1 if one is missed): 0 errors in
every run; paced, each wizard page's p95 at most 3 times the sign-in page's; unpaced, the
wizard's requests per second at least a third of the sign-in run's. Exit status 2: PostgreSQL or
Redis cannot be reached. Needs DATABASE_URL and REDIS_URL, by default
postgres://postgres@127.0.0.1:5432/offerdesk_load (dropped and made again each run) and
redis://127.0.0.1:6379/4 (the cache on 5), emptied each run.
"""

import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.postgres import ensure_database  # noqa: E402
from tests.local_site import serve  # noqa: E402
from tests.object_store import free_ports, seaweedfs  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/offerdesk_load"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/4"
PASSWORD = "load-test-password-1"
DOMAIN = "load.invalid"
PUBLISHERS, REVIEWERS = 50, 5
QUEUE_OFFERS = 120  # what the reviewers page through: five pages
RAMP_SECONDS = int(os.environ.get("LOAD_RAMP_SECONDS", 60))
PACED_SECONDS = int(os.environ.get("LOAD_SECONDS", 180))
MAX_RAMP_SECONDS = 10
MAX_SECONDS = int(os.environ.get("LOAD_MAX_SECONDS", 90))
SIGN_IN = "sign-in page"
WIZARD = "wizard: "  # the names of the wizard's requests start with it (bench/locustfile.py)
MAX_P95_RATIO = 3.0  # paced: a wizard page's p95 against the sign-in page's
MIN_THROUGHPUT_SHARE = 1 / 3  # unpaced: the wizard's requests/s against the sign-in run's
READY_SECONDS = 60


# --- the environment ------------------------------------------------------------------------


def configure_environment(tmp_dir, site_url, store, port):
    """What every process of the shape reads when it starts: this one, gunicorn, the workers."""
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    site_port = site_url.rsplit(":", 1)[1]
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "SECRET_KEY": "load-test-only-secret-key-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": f"http://127.0.0.1:{port}",
            # No TLS on this machine: the documented plain-HTTP mode.
            "PLAIN_HTTP": "1",
            # As behind Caddy: each person has an address of their own (locust sends it), so
            # allauth's per-address limits (30 sign-ins a minute) apply to each, not to all.
            "TRUSTED_PROXY_COUNT": "1",
            "PORT": str(port),
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "URLCHECK_ALLOW_PRIVATE_NETWORKS": "1",
            "URLCHECK_ALLOWED_PORTS": f"80,443,{site_port}",
            "VAR_DIR": str(tmp_dir / "var"),
            "STATIC_ROOT": str(tmp_dir / "static"),
            **store.environment(),
        }
    )


def unreachable_server():
    """None when PostgreSQL and Redis answer; otherwise what to tell the user."""
    import psycopg2
    import redis

    from config.env import database_from_url

    db = database_from_url(os.environ["DATABASE_URL"])
    try:
        ensure_database(db, "postgres")
    except psycopg2.Error as error:
        return f"PostgreSQL cannot be used ({str(error).strip().splitlines()[0]})."
    try:
        redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        return f"Redis at {os.environ['REDIS_URL']} cannot be reached ({error})."
    return None


def fresh_database():
    """Drop the load test's database and make it again, migrated: every run starts alike."""
    import psycopg2
    from psycopg2 import sql

    from config.env import database_from_url

    db = database_from_url(os.environ["DATABASE_URL"])
    parameters = {
        "host": db["HOST"] or None,
        "port": db["PORT"] or None,
        "user": db["USER"] or None,
        "password": db["PASSWORD"] or None,
    }
    connection = psycopg2.connect(dbname="postgres", **parameters)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db["NAME"]))
        )
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
    connection.close()


def empty_redis():
    import redis

    from config.env import redis_cache_url

    for url in (os.environ["REDIS_URL"], redis_cache_url(os.environ["REDIS_URL"])):
        redis.Redis.from_url(url).flushdb()


def seed():
    """The people of the test, and a queue of submitted offers for the reviewers."""
    from django.core.management import call_command

    from accounts.models import Role
    from tests.factories import UserFactory, publisher, submitted_offer

    call_command("migrate", "--noinput", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    publishers = [publisher(f"load-pub-{n}@{DOMAIN}") for n in range(1, PUBLISHERS + 1)]
    for user in publishers:
        user.set_password(PASSWORD)
        user.save()
    for n in range(1, REVIEWERS + 1):
        UserFactory(email=f"load-rev-{n}@{DOMAIN}", role=Role.REVIEWER, password=PASSWORD)
    for index in range(QUEUE_OFFERS):
        submitted_offer(
            publishers[index % PUBLISHERS], check_status=("passed", "failed")[index % 2]
        )


# --- the processes of the shape ------------------------------------------------------------


def start(stack, command, log_path):
    log = open(log_path, "wb")  # noqa: SIM115 - the process writes to it until it is stopped
    stack.callback(log.close)
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    stack.callback(_stop, process)
    return process


def _stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def start_shape(stack, tmp_dir, port):
    venv = Path(sys.executable).parent
    start(
        stack,
        [venv / "gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"],
        tmp_dir / "web.log",
    )
    celery = [venv / "celery", "-A", "config", "worker", "--loglevel=INFO"]
    start(
        stack,
        [*celery, "-n", "logos@%h", "-Q", "logos,default", "--concurrency=2"],
        tmp_dir / "worker.log",
    )
    start(
        stack,
        [*celery, "-n", "urls@%h", "-Q", "urls", "-P", "threads", "--concurrency=32"],
        tmp_dir / "worker-urls.log",
    )
    wait_ready(f"http://127.0.0.1:{port}/readyz")


def wait_ready(url):
    deadline = time.monotonic() + READY_SECONDS
    request = urllib.request.Request(url, headers={"Host": "127.0.0.1"})
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"The server was not ready after {READY_SECONDS} s: {url}")


# --- locust ---------------------------------------------------------------------------------


def run_locust(tmp_dir, port, site_url, *, paced, sign_in_only=False):
    """One locust run; returns the rows of its statistics, by request name."""
    name = "sign-in" if sign_in_only else "paced" if paced else "unpaced"
    # The people and the two probes; or, alone, as many people opening the sign-in page.
    users = PUBLISHERS if sign_in_only else PUBLISHERS + REVIEWERS + 2
    ramp, measured = (RAMP_SECONDS, PACED_SECONDS) if paced else (MAX_RAMP_SECONDS, MAX_SECONDS)
    command = [
        Path(sys.executable).parent / "locust",
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--only-summary",
        "--host",
        f"http://127.0.0.1:{port}",
        "--users",
        str(users),
        "--spawn-rate",
        str(users / ramp),
        "--run-time",
        f"{ramp + measured}s",
        # The figures start once everyone has arrived: the ramp is not measured.
        "--reset-stats",
        "--csv",
        str(tmp_dir / name),
        "--loglevel",
        "WARNING",
        *(["SignInPage"] if sign_in_only else []),
    ]
    from tests.factories import TOTP_SECRET

    env = {
        **os.environ,
        "LOAD_PACED": "1" if paced else "0",
        "LOAD_ONLY_SIGN_IN": "1" if sign_in_only else "0",
        "LOAD_PASSWORD": PASSWORD,
        "LOAD_TOTP_SECRET": TOTP_SECRET,
        "LOAD_DOMAIN": DOMAIN,
        "LOAD_SITE_URL": site_url,
    }
    print(f"locust, {name}: {users} users, {ramp} s ramp, {measured} s measured ...", flush=True)
    cpu_before = cpu_by_program()
    with open(tmp_dir / f"{name}-locust.log", "wb") as log:
        subprocess.run(command, cwd=ROOT, env=env, check=False, stdout=log, stderr=log)
    cpu_report(cpu_before, cpu_by_program(), ramp + measured)
    with open(tmp_dir / f"{name}_stats.csv", newline="") as file:
        return {row["Name"]: row for row in csv.DictReader(file)}


def cpu_by_program():
    """CPU seconds used so far by every process on this machine, summed by program name (the
    command's first word, or the script a Python runs): where the load's time goes. A process's
    ended children count too (gunicorn's workers recycled after max_requests, locust under this
    script), or their time would vanish from the totals with them."""
    totals = {}
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue  # the process has ended
        name = _program(command)
        # utime, stime, and cutime, cstime: the ended children it has waited for.
        used = sum(int(value) for value in fields[11:15])
        totals[name] = totals.get(name, 0) + used / tick
    return totals


def _program(command):
    words = [Path(word.decode(errors="replace")).name for word in command if word]
    if not words:
        return "kernel"
    if words[0].startswith("python") and len(words) > 1:
        return words[1]
    return words[0].split(":")[0]


def cpu_report(before, after, seconds):
    used = {name: after.get(name, 0) - before.get(name, 0) for name in after}
    busy = sorted(((cpu, name) for name, cpu in used.items() if cpu >= 1), reverse=True)
    print(f"CPU over the run ({seconds} s, {os.cpu_count()} cores):")
    for cpu, name in busy:
        print(f"  {name:24} {cpu:7.1f} s  {cpu / seconds:5.2f} cores")


def report(title, rows):
    """Print the table; return the number of errors."""
    reference = rows[SIGN_IN]
    print(f"\n{title}")
    header = f"{'page':34} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'errors':>6}"
    print(f"{header}   {'p50/sign-in':>11} {'p95/sign-in':>11} {'p99/sign-in':>11}")
    for name, row in sorted(rows.items(), key=lambda item: (item[0] == "Aggregated", item[0])):
        ratios = "   ".join(
            f"{_ratio(row[key], reference[key]):>11}" for key in ("50%", "95%", "99%")
        )
        print(
            f"{name[:34]:34} {float(row['Requests/s']):7.1f} {row['50%']:>6} {row['95%']:>6} "
            f"{row['99%']:>6} {row['Failure Count']:>6}   {ratios}"
        )
    errors = int(rows["Aggregated"]["Failure Count"])
    print(f"errors: {errors} (target 0); times in ms")
    return errors


def _ratio(value, reference):
    try:
        return f"{float(value) / float(reference):.1f}x"
    except (ValueError, ZeroDivisionError):
        return "-"


def targets(paced, unpaced, sign_in):
    """The issue's targets as (what, passed, figure) rows."""
    rows = []
    reference = float(paced[SIGN_IN]["95%"])
    for name, row in sorted(paced.items()):
        if name.startswith(WIZARD):
            ratio = float(row["95%"]) / reference
            what = f"paced: {name} p95 <= {MAX_P95_RATIO:g}x the sign-in page's"
            rows.append((what, ratio <= MAX_P95_RATIO, ratio))
    wizard = sum(
        float(row["Requests/s"]) for name, row in unpaced.items() if name.startswith(WIZARD)
    )
    alone = float(sign_in[SIGN_IN]["Requests/s"])
    share = wizard / alone if alone else 0.0
    rows.append(
        (
            f"unpaced: the wizard's {wizard:.1f} req/s >= a third of the sign-in page's "
            f"{alone:.1f} req/s alone",
            share >= MIN_THROUGHPUT_SHARE,
            share,
        )
    )
    print("\nTargets")
    for what, passed, figure in rows:
        print(f"  {'PASS' if passed else 'FAIL'}  {what}  ({figure:.2f})")
    return all(passed for _what, passed, _figure in rows)


def checks_finished():
    """How the background checks ended ({status: count}), and the messages of those that could
    not be checked ({message: count}): under load, that is where trouble shows first."""
    from django.db.models import Count

    from offers.models import Check, CheckStatus

    by_status = Check.objects.values_list("status").annotate(n=Count("*")).order_by("status")
    errors = (
        Check.objects.filter(status=CheckStatus.ERROR)
        .values_list("message")
        .annotate(n=Count("*"))
        .order_by("-n")
    )
    return dict(by_status), dict(errors)


def main():
    tmp_dir = Path(tempfile.mkdtemp(prefix="offerdesk-load-"))
    port = free_ports(1)[0]
    try:
        with ExitStack() as stack:
            site_url, _hits = stack.enter_context(serve())
            store = stack.enter_context(seaweedfs(tmp_dir / "store"))
            configure_environment(tmp_dir, site_url, store, port)
            problem = unreachable_server()
            if problem:
                print(f"Load test not run: {problem}", file=sys.stderr)
                return 2
            fresh_database()
            empty_redis()
            import django

            django.setup()
            seed()
            start_shape(stack, tmp_dir, port)
            seeded, _ = checks_finished()
            paced = run_locust(tmp_dir, port, site_url, paced=True)
            errors = report("Paced (1-3 s between pages)", paced)
            unpaced = run_locust(tmp_dir, port, site_url, paced=False)
            errors += report("Unpaced (no waiting)", unpaced)
            sign_in = run_locust(tmp_dir, port, site_url, paced=False, sign_in_only=True)
            errors += report("The sign-in page alone (no waiting)", sign_in)
            print(f"\nerrors in the three runs: {errors} (target 0)")
            met = targets(paced, unpaced, sign_in)
            statuses, could_not = checks_finished()
            print(f"\nbackground checks, seeded: {seeded}; after both runs: {statuses}")
            for message, count in could_not.items():
                print(f"  could not be checked ({count}): {message}")
            return 1 if errors or not met else 0
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
