"""Benchmark of the offer wizard: request time against a trivial view, and queries per step.

Run with `make bench` (or `.venv/bin/python bench/wizard.py`). It builds a throwaway test
database the way the test runner does: in-memory SQLite by default, `test_<name>` on
PostgreSQL when DATABASE_URL is set. Uploads go to a temporary folder that is removed after.

Times are reported as ratios against a trivial login-protected view served by the same
middleware stack in the same run, so the numbers compare across machines. Three references are
printed beside them, for reading the ratios: the site's layout alone (the home page), and the
floor of a technical step's page, without and with that layout: the least such a page can do on
this stack (floor_fields).

Exit status 1 means a target was missed: a ratio above MAX_RATIO, a step above MAX_QUERIES
queries, or a step whose query count grows with the number of offers the publisher has.
"""

import functools
import gc
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
import types
import warnings
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The same valid answers the wizard tests post.
from tests.wizard_data import PUBLISHER, STEP_DATA, post_step, step_url  # noqa: E402

MAX_RATIO = 3.0
MAX_QUERIES = 12
WARMUP_ROUNDS = 20
TIMED_ROUNDS = 200
LAYOUT_ONLY = "layout-only GET"
FLOOR = "floor: fields"
FLOOR_PAGE = "floor: + layout"
# Printed for reading the ratios, never targets.
REFERENCES = (LAYOUT_ONLY, FLOOR, FLOOR_PAGE)
EXTRA_OFFERS = 4  # the query counts are taken again on the fifth offer of the same publisher


def configure_django(tmp_dir):
    """Settings come from the environment; give them safe values before Django reads them."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 50)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    # Submitting queues the offer's checks; the benchmark times the request, not the checks, so
    # they wait in a broker nobody consumes (in the temporary folder, or on REDIS_URL).
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
    # Always the production stack: DEBUG changes the security settings and logs every query.
    os.environ["DEBUG"] = "0"
    # The report, not a JSON line for each of the requests it times.
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # Never the real uploads or var/: everything the run writes lands in tmp_dir.
    os.environ["MEDIA_ROOT"] = str(tmp_dir / "media")
    os.environ["VAR_DIR"] = str(tmp_dir / "var")
    # Only a deployment runs collectstatic; WhiteNoise would warn on every run.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

    import django

    django.setup()


def install_trivial_urlconf():
    """The site's URLs plus one trivial view behind the same login check: the baseline."""
    from django.contrib.auth.decorators import login_required
    from django.http import HttpResponse
    from django.urls import include, path

    module = types.ModuleType("bench_urls")
    module.urlpatterns = [
        path("bench-trivial/", login_required(lambda request: HttpResponse("ok"))),
        path("bench-floor/<int:pk>/", login_required(floor_view)),
        path("bench-floor-page/<int:pk>/", login_required(floor_page_view)),
        path("", include("config.urls")),
    ]
    sys.modules[module.__name__] = module
    return module.__name__


def floor_fields(request, pk):
    """The least any page showing the technical step's answers must do, on this stack: one read
    of the offer that also proves the person's membership (an outsider gets 404), the step's form
    with the stored answers, and its fields drawn by the site's form renderer. No layout, no
    progress, no version, no incomplete steps."""
    from django.shortcuts import get_object_or_404

    from offers.forms import TechnicalForm
    from offers.models import Offer
    from offers.services import step_initial

    offer = get_object_or_404(Offer, pk=pk, organisation__memberships__user=request.user)
    form = TechnicalForm(initial=step_initial(offer, "technical"), offer=offer, prefix="technical")
    return "".join(field.as_field_group() for field in form)


def floor_view(request, pk):
    from django.http import HttpResponse

    return HttpResponse(floor_fields(request, pk))


def floor_page_view(request, pk):
    """The floor inside the site's layout (templates/base.html: its header reads the person's
    memberships, as every page's does)."""
    from django.http import HttpResponse
    from django.utils.safestring import mark_safe

    fields = mark_safe(floor_fields(request, pk))  # the form renderer's own HTML
    return HttpResponse(floor_page_template().render({"fields": fields}, request))


@functools.cache
def floor_page_template():
    # Compiled once, as the cached template loader keeps the site's own templates.
    from django.template import engines

    return engines["django"].from_string(
        '{% extends "base.html" %}{% block content %}{{ fields }}{% endblock %}'
    )


def make_publisher():
    from accounts.models import User
    from organisations.services import found

    user = User.objects.create_user(email="bench@example.com", password="bench-Password-9")
    found(user, PUBLISHER)
    return user


def new_offer(user):
    """A complete draft with its four logos stored, as a returning publisher has it."""
    from tests.factories import OfferFactory

    return OfferFactory(owner=user)


def get_step(client, offer, step):
    return client.get(step_url(offer, step))


def check(response, expected_status, what):
    """A benchmark of an error page measures nothing: stop if a request did not do its job."""
    if response.status_code != expected_status:
        detail = ""
        form = response.context.get("form") if response.context else None
        if form is not None and form.errors:
            detail = f": {form.errors.as_json()}"
        raise SystemExit(f"{what} answered {response.status_code}, not {expected_status}{detail}")
    return response


# --- query counts --------------------------------------------------------------------------


def count_queries(client, offer):
    """Queries per request for every step, GET then valid POST; submitting comes last."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for step in STEP_DATA:
        for method, send, status in (("GET", get_step, 200), ("POST", post_step, 302)):
            with CaptureQueriesContext(connection) as captured:
                check(send(client, offer, step), status, f"{step} {method}")
            counts[f"{step} {method}"] = [query["sql"] for query in captured.captured_queries]
    return counts


# --- timing --------------------------------------------------------------------------------


def timing_cases(client, offer):
    """Name -> (request, expected status). Each valid POST stores the same answers again."""
    return {
        "trivial GET": (lambda: client.get("/bench-trivial/"), 200),
        # For reading the figures only: our base layout with no form, what any page costs; and
        # the least a page of the technical step can do, without and with that layout.
        LAYOUT_ONLY: (lambda: client.get("/"), 200),
        FLOOR: (lambda: client.get(f"/bench-floor/{offer.pk}/"), 200),
        FLOOR_PAGE: (lambda: client.get(f"/bench-floor-page/{offer.pk}/"), 200),
        "technical GET": (lambda: get_step(client, offer, "technical"), 200),
        "technical POST": (lambda: post_step(client, offer, "technical"), 302),
        "marketing GET": (lambda: get_step(client, offer, "marketing"), 200),
        "marketing POST": (lambda: post_step(client, offer, "marketing"), 302),
        "review GET": (lambda: get_step(client, offer, "review"), 200),
    }


def time_once(request):
    # As timeit does: no collector pause lands inside one request and not in another.
    gc.disable()
    try:
        start = time.perf_counter()
        response = request()
        return time.perf_counter() - start, response
    finally:
        gc.enable()


def measure(cases):
    """Median seconds per case. Rounds interleave the cases in a shuffled order, so that a
    noisy neighbour or a CPU frequency change hits every case alike, not one of them."""
    order = list(cases)
    rng = random.Random(2024)
    samples = {name: [] for name in order}
    for round_number in range(WARMUP_ROUNDS + TIMED_ROUNDS):
        rng.shuffle(order)
        gc.collect()
        for name in order:
            request, status = cases[name]
            elapsed, response = time_once(request)
            check(response, status, name)
            if round_number >= WARMUP_ROUNDS:
                samples[name].append(elapsed)
    return {name: statistics.median(values) for name, values in samples.items()}


@contextmanager
def untracked_templates():
    """setup_test_environment makes every template render send a signal, and the test client
    copies the context on each one (a page here renders dozens of field includes). Production
    pays none of that, so timed requests use Django's own renderer again."""
    from django.template import Template
    from django.test.utils import _TestState

    instrumented = Template._render
    Template._render = _TestState.saved_data.template_render
    try:
        yield
    finally:
        Template._render = instrumented


# --- report --------------------------------------------------------------------------------


def time_targets(medians):
    """Print the times; return (target, passed, detail) per timed wizard request."""
    print(
        f"Request time: median of {TIMED_ROUNDS} interleaved rounds after {WARMUP_ROUNDS} warm-up"
    )
    baseline = medians["trivial GET"]
    print(f"  {'trivial GET':<16} median {baseline * 1000:6.2f} ms  (baseline)")
    targets = []
    for name, seconds in medians.items():
        if name == "trivial GET":
            continue
        ratio = seconds / baseline
        if name in REFERENCES:
            print(f"  {name:<16} median {seconds * 1000:6.2f} ms  ratio {ratio:4.1f}x  (reference)")
            continue
        print(
            f"  {name:<16} median {seconds * 1000:6.2f} ms  ratio {ratio:4.1f}x  "
            f"(target <= {MAX_RATIO:g})"
        )
        targets.append(
            (f"{name} time <= {MAX_RATIO:g}x trivial", ratio <= MAX_RATIO, f"{ratio:.1f}x")
        )
    return targets


def transaction_statements(queries):
    keywords = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")
    return sum(1 for sql in queries if sql.upper().startswith(keywords))


def query_targets(first, fifth):
    """Print the counts; return the two query targets, naming the requests that miss them."""
    print(f"Queries per request (target <= {MAX_QUERIES}, same on the 1st and the 5th offer)")
    # Counted as assertNumQueries counts them: transaction statements included, shown apart.
    print(f"  {'request':<16} {'1st offer':>9} {'5th offer':>9}   of which BEGIN/COMMIT/SAVEPOINT")
    for name in first:
        print(
            f"  {name:<16} {len(first[name]):>9} {len(fifth[name]):>9}   "
            f"{transaction_statements(first[name])}"
        )
    too_many = [
        f"{name} {max(len(first[name]), len(fifth[name]))}"
        for name in first
        if max(len(first[name]), len(fifth[name])) > MAX_QUERIES
    ]
    growing = [
        f"{name} {len(first[name])}->{len(fifth[name])}"
        for name in first
        if len(first[name]) != len(fifth[name])
    ]
    return [
        (f"every request <= {MAX_QUERIES} queries", not too_many, ", ".join(too_many)),
        ("same queries on the 1st and 5th offer", not growing, ", ".join(growing)),
    ]


def short_sql(sql):
    """One line per query: the column list and long values say nothing about the access path."""
    sql = re.sub(r"^SELECT .+? FROM ", "SELECT … FROM ", sql, flags=re.DOTALL)
    return sql if len(sql) <= 150 else sql[:149] + "…"


def print_failing_sql(first, fifth):
    """The SQL of each request that misses a query target, so that a miss names its queries.
    The 5th offer's list suffices when both counts agree; otherwise both, to compare."""
    for name in first:
        grows = len(first[name]) != len(fifth[name])
        if not grows and len(fifth[name]) <= MAX_QUERIES:
            continue
        if grows:
            print_sql(f"{name} on the 1st offer", first[name])
        print_sql(f"{name} on the 5th offer", fifth[name])


def print_sql(title, queries):
    print()
    print(f"{title}: {len(queries)} queries")
    for number, sql in enumerate(queries, 1):
        print(f"  {number:2}. {short_sql(sql)}")


def print_verdicts(targets):
    print("Targets")
    for target, passed, detail in targets:
        print(f"  {'PASS' if passed else 'FAIL'}  {target}" + (f"  ({detail})" if detail else ""))


# --- main ----------------------------------------------------------------------------------


def run():
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings

    with override_settings(ROOT_URLCONF=install_trivial_urlconf()):
        user = make_publisher()
        client = Client()
        client.force_login(user)

        first = count_queries(client, new_offer(user))
        for _ in range(EXTRA_OFFERS - 1):
            new_offer(user)
        fifth = count_queries(client, new_offer(user))

        # Both measured offers are submitted now; time a further draft of the same publisher.
        with untracked_templates():
            medians = measure(timing_cases(client, new_offer(user)))

    print(f"Offer wizard benchmark on {connection.vendor}, DEBUG={settings.DEBUG}")
    print()
    targets = time_targets(medians)
    print()
    targets += query_targets(first, fifth)
    print_failing_sql(first, fifth)
    print()
    print_verdicts(targets)
    return 0 if all(passed for _target, passed, _detail in targets) else 1


def in_test_database(run):
    """Run `run()` in a throwaway test database, with everything it writes in a temporary
    folder; returns what `run` returns. Shared by the benchmarks that time requests."""
    tmp_dir = Path(tempfile.mkdtemp(prefix="offerdesk-bench-"))
    try:
        configure_django(tmp_dir)
        from django.test.runner import DiscoverRunner
        from django.test.utils import setup_test_environment, teardown_test_environment

        setup_test_environment(debug=False)
        # interactive=False: a test database left behind by an interrupted run is replaced.
        runner = DiscoverRunner(verbosity=0, interactive=False)
        old_config = runner.setup_databases()
        try:
            return run()
        finally:
            runner.teardown_databases(old_config)
            teardown_test_environment()
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)


def main():
    return in_test_database(run)


if __name__ == "__main__":
    sys.exit(main())
