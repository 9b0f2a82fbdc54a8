"""Benchmark of the submission API: request time against a trivial API view, and queries per
request with 1 and with 20 offers in the organisation.

Run with `make bench` (or `.venv/bin/python bench/api.py`); the database is built as in
bench/wizard.py (in-memory SQLite, or `test_<name>` on PostgreSQL when DATABASE_URL is set).
The baseline is a view behind the same stack as the API (middleware, DRF, the key's
authentication, permission and rate limit) that returns a constant: the ratios say what the
API's own work costs. Exit status 1 means a target was missed.
"""

import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.wizard import (  # noqa: E402
    check,
    in_test_database,
    measure,
    print_sql,
    print_verdicts,
)

MAX_RATIO = 3.0
# Shown, without a target: a valid PATCH runs the wizard's forms twice (the change, then the
# incomplete steps shown in the answer), as a wizard POST does; issue 15 makes forms cheaper.
INFORMATION_ONLY = ("offer PATCH",)
OFFER_COUNTS = (1, 20)
PATCH = {
    "technical": {"uptime_percent": "99.95", "support_url": "https://contoso.example/support"},
    "marketing": {"app_name": "Contoso Field Service"},
}


def install_trivial_urlconf():
    """The site's URLs plus a constant answer behind the API's own authentication."""
    from django.urls import include, path
    from rest_framework.response import Response
    from rest_framework.views import APIView

    class Trivial(APIView):
        def get(self, request):
            return Response({"ok": True})

    module = types.ModuleType("bench_api_urls")
    module.urlpatterns = [
        path("bench-trivial/", Trivial.as_view()),
        path("", include("config.urls")),
    ]
    sys.modules[module.__name__] = module
    return module.__name__


def make_organisation():
    from accounts.models import User
    from organisations import services
    from tests.wizard_data import PUBLISHER

    user = User.objects.create_user(email="bench@example.com", password="bench-Password-9")
    organisation = services.found(user, PUBLISHER).organisation
    _key, raw = services.make_key(organisation, "bench", "write", made_by=user)
    return user, raw


def requests(client, offer):
    """Name -> (request, expected status)."""
    import json

    url = f"/api/v1/offers/{offer.pk}/"
    body = json.dumps(PATCH)
    return {
        "trivial GET": (lambda: client.get("/bench-trivial/"), 200),
        "list GET": (lambda: client.get("/api/v1/offers/"), 200),
        "offer GET": (lambda: client.get(url), 200),
        "offer PATCH": (lambda: client.patch(url, body, content_type="application/json"), 200),
    }


def count_queries(cases):
    """Queries of each request in a steady state: after one call, which may note the key's use
    (once a minute) or save a step for the first time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, (request, status) in cases.items():
        check(request(), status, name)
        with CaptureQueriesContext(connection) as captured:
            check(request(), status, name)
        counts[name] = [query["sql"] for query in captured.captured_queries]
    return counts


def run():
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings

    from bench.wizard import untracked_templates
    from tests.factories import OfferFactory

    with override_settings(
        ROOT_URLCONF=install_trivial_urlconf(), API_RATE_PER_KEY="1000000/minute"
    ):
        user, raw = make_organisation()
        client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        offer = OfferFactory(owner=user)
        counts = {OFFER_COUNTS[0]: count_queries(requests(client, offer))}
        for _ in range(OFFER_COUNTS[1] - OFFER_COUNTS[0]):
            OfferFactory(owner=user)
        counts[OFFER_COUNTS[1]] = count_queries(requests(client, offer))
        with untracked_templates():
            medians = measure(requests(client, offer))

    print(f"Submission API benchmark on {connection.vendor}, DEBUG={settings.DEBUG}")
    print()
    targets = report_times(medians)
    print()
    targets += report_queries(counts)
    print()
    print_verdicts(targets)
    return 0 if all(passed for _target, passed, _detail in targets) else 1


def report_times(medians):
    baseline = medians["trivial GET"]
    print("Request time: median of interleaved rounds, against a trivial view of the same stack")
    print(f"  {'trivial GET':<12} median {baseline * 1000:6.2f} ms  (baseline)")
    targets = []
    for name, seconds in medians.items():
        if name == "trivial GET":
            continue
        ratio = seconds / baseline
        if name in INFORMATION_ONLY:
            print(f"  {name:<12} median {seconds * 1000:6.2f} ms  ratio {ratio:4.1f}x  (no target)")
            continue
        print(
            f"  {name:<12} median {seconds * 1000:6.2f} ms  ratio {ratio:4.1f}x  "
            f"(target <= {MAX_RATIO:g})"
        )
        targets.append((f"{name} <= {MAX_RATIO:g}x trivial", ratio <= MAX_RATIO, f"{ratio:.1f}x"))
    return targets


def report_queries(counts):
    few, many = OFFER_COUNTS
    print(f"Queries per request with {few} and {many} offers in the organisation")
    for name in counts[few]:
        print(f"  {name:<12} {len(counts[few][name]):>4} {len(counts[many][name]):>4}")
    growing = [
        f"{name} {len(counts[few][name])}->{len(counts[many][name])}"
        for name in counts[few]
        if len(counts[few][name]) != len(counts[many][name])
    ]
    for name in counts[few]:
        if len(counts[few][name]) != len(counts[many][name]):
            print_sql(f"{name} with {many} offers", counts[many][name])
    return [(f"same queries with {few} and {many} offers", not growing, ", ".join(growing))]


def main():
    return in_test_database(run)


if __name__ == "__main__":
    sys.exit(main())
