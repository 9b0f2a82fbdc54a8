"""The publisher's status page updates by itself while the checks run and the offer waits for a
decision: htmx asks its fragment (offers/live.py) again every 3 seconds, and stops once the offer
settles. The reviewer's page does the same (tests/review/test_offer_review.py)."""

import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from offers import services, workflow
from offers.models import Check, CheckStatus, OfferStatus
from tests.factories import OfferFactory, submitted_offer

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
HTMX_SCRIPT = '<script src="/static/vendor/htmx.min.js" defer></script>'
# No eval and no <style> of its own: the Content-Security-Policy allows neither.
HTMX_CONFIG = (
    '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false, "allowEval": false}\'>'
)
RELOAD = "Reload the page to see what you can do now."


def page_url(offer):
    return reverse("offers:detail", kwargs={"pk": offer.pk})


def live_url(offer):
    return reverse("offers:detail_live", kwargs={"pk": offer.pk})


def poll_url(page_html):
    """The address the page's live region asks again, or None when it does not poll."""
    found = re.search(r'<div id="live-region" hx-get="([^"]+)"', page_html)
    return html.unescape(found[1]) if found else None


@pytest.fixture
def being_checked(alice):
    """Alice's offer while its checks run: the 4 logos are still waiting, the 3 URLs passed."""
    offer = submitted_offer(alice, status=OfferStatus.VALIDATING)
    Check.objects.filter(offer=offer, kind="logo").update(
        status=CheckStatus.PENDING, attempts=0, finished_at=None
    )
    return offer


def finish_the_logo_checks(offer, status=CheckStatus.PASSED):
    Check.objects.filter(offer=offer, kind="logo").update(status=status, attempts=1)
    to = OfferStatus.IN_REVIEW if status == CheckStatus.PASSED else OfferStatus.CHANGES_NEEDED
    workflow.transition(offer, to, actor=None)


def test_while_the_checks_run_the_region_asks_its_fragment_every_3_seconds(
    alice_client, being_checked
):
    page = alice_client.get(page_url(being_checked)).content.decode()

    url = poll_url(page)
    assert url.startswith(f"{live_url(being_checked)}?page_status=validating&shown=")
    assert 'hx-trigger="every 3s" hx-swap="outerHTML"' in page
    assert HTMX_SCRIPT in page
    assert HTMX_CONFIG in page
    assert (
        '<p id="live-sentence" class="help" role="status" aria-live="polite">'
        "Status: Being checked. 3 of 7 checks finished.</p>"
    ) in page


@pytest.mark.parametrize(
    ("status", "polls"),
    [
        (OfferStatus.SUBMITTED, True),
        (OfferStatus.VALIDATING, True),
        (OfferStatus.IN_REVIEW, True),  # a reviewer's decision may arrive
        (OfferStatus.CHANGES_NEEDED, False),
        (OfferStatus.CHANGES_REQUESTED, False),
        (OfferStatus.APPROVED, False),
        (OfferStatus.REJECTED, False),
        (OfferStatus.WITHDRAWN, False),
    ],
)
def test_the_region_polls_only_while_the_checks_run_or_a_decision_is_awaited(
    alice_client, alice, status, polls
):
    offer = submitted_offer(alice, status=status)

    page = alice_client.get(page_url(offer)).content.decode()

    assert (poll_url(page) is not None, HTMX_SCRIPT in page) == (polls, polls)
    assert ("hx-trigger" in page) is polls


def test_a_draft_loads_no_script_and_does_not_poll(alice_client, draft):
    page = alice_client.get(page_url(draft)).content.decode()

    assert (poll_url(page), HTMX_SCRIPT in page, "hx-" in page) == (None, False, False)
    assert '<p id="live-sentence" class="help" role="status" aria-live="polite">' in page


def test_the_fragment_is_the_region_and_out_of_band_the_badge_and_the_sentence(
    alice_client, being_checked
):
    response = alice_client.get(live_url(being_checked), headers=HTMX)
    fragment = response.content.decode()

    assert response.status_code == 200
    assert response.templates[0].name == "includes/live_fragment.html"
    assert fragment.lstrip().startswith('<div id="live-region" hx-get="')
    assert fragment.count('<span class="badge badge--check-pending">Waiting</span>') == 4
    assert fragment.count('<span class="badge badge--check-passed">Passed</span>') == 3
    assert (
        '<span id="offer-status" class="badge badge--validating" hx-swap-oob="true">'
        "Being checked</span>"
    ) in fragment
    assert (
        '<p id="live-sentence" class="help" hx-swap-oob="innerHTML">'
        "Status: Being checked. 3 of 7 checks finished.</p>"
    ) in fragment
    # Neither the page around it nor its actions: only the region, the badge and the sentence.
    assert [part for part in ("<html", "site-header", "Withdraw") if part in fragment] == []


def test_nothing_new_since_what_the_page_shows_answers_204_and_htmx_leaves_it(
    alice_client, being_checked
):
    url = poll_url(alice_client.get(page_url(being_checked)).content.decode())

    response = alice_client.get(url, headers=HTMX)

    assert (response.status_code, response.content) == (204, b"")


def test_a_finished_check_is_shown_at_the_next_poll_and_the_polls_go_on(
    alice_client, being_checked
):
    url = poll_url(alice_client.get(page_url(being_checked)).content.decode())
    Check.objects.filter(offer=being_checked, subject="40x40").update(
        status=CheckStatus.FAILED,
        attempts=1,
        message="This logo is 41 × 40 pixels; the 40 × 40 slot needs exactly 40 × 40.",
    )

    fragment = alice_client.get(url, headers=HTMX).content.decode()

    assert "This logo is 41 × 40 pixels; the 40 × 40 slot needs exactly 40 × 40." in fragment
    assert "Status: Being checked. 4 of 7 checks finished.</p>" in fragment
    assert poll_url(fragment) not in (None, url)  # the next poll carries what is shown now
    assert RELOAD not in fragment


def test_when_the_checks_finish_the_new_status_arrives_with_a_link_to_reload_and_polls_stop(
    alice_client, being_checked
):
    url = poll_url(alice_client.get(page_url(being_checked)).content.decode())
    finish_the_logo_checks(being_checked, CheckStatus.FAILED)

    fragment = alice_client.get(url, headers=HTMX).content.decode()

    assert poll_url(fragment) is None
    assert "hx-trigger" not in fragment
    assert (
        '<span id="offer-status" class="badge badge--changes_needed" hx-swap-oob="true">'
        "Changes needed</span>"
    ) in fragment
    assert (
        "Status: Changes needed. 7 of 7 checks finished. "
        f'<a href="{page_url(being_checked)}">{RELOAD}</a></p>'
    ) in fragment
    # The region itself shows what the page shows in that state: the note and each Fix it link.
    assert "The checks found something to fix." in fragment
    assert fragment.count(">Fix it<") == 4


def test_a_decision_arrives_with_its_reasons(alice_client, alice, reviewer):
    offer = submitted_offer(alice)
    url = poll_url(alice_client.get(page_url(offer)).content.decode())
    services.decide(
        offer,
        OfferStatus.CHANGES_REQUESTED,
        reviewer=reviewer,
        reasons=[("uptime", "Show us the SLA page.")],
    )

    fragment = alice_client.get(url, headers=HTMX).content.decode()

    assert "What the reviewer asked for" in fragment
    assert "Show us the SLA page." in fragment
    assert f'<a href="{page_url(offer)}">{RELOAD}</a>' in fragment


def test_the_workers_starting_is_no_reason_to_reload(alice_client, alice):
    offer = submitted_offer(alice, status=OfferStatus.SUBMITTED, check_status=CheckStatus.PENDING)
    url = poll_url(alice_client.get(page_url(offer)).content.decode())
    workflow.transition(offer, OfferStatus.VALIDATING, actor=None)

    fragment = alice_client.get(url, headers=HTMX).content.decode()

    assert "Status: Being checked. 0 of 7 checks finished.</p>" in fragment
    assert RELOAD not in fragment


@pytest.mark.parametrize("who", ["alice", "viewer"])
def test_the_owner_and_every_member_get_the_fragment(client, request, being_checked, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(live_url(being_checked)).status_code == 200


@pytest.mark.parametrize("who", ["bob", "reviewer", "removed"])
def test_outsiders_get_404_and_an_htmx_poll_reloads_the_page_instead(
    client, request, being_checked, who
):
    client.force_login(request.getfixturevalue(who))

    assert client.get(live_url(being_checked)).status_code == 404
    response = client.get(live_url(being_checked), headers=HTMX)
    assert (response.status_code, response["HX-Refresh"]) == (200, "true")


def test_a_poll_after_signing_out_reloads_the_page_which_then_asks_to_sign_in(
    client, being_checked
):
    plain = client.get(live_url(being_checked))
    polled = client.get(live_url(being_checked), headers=HTMX)

    assert (plain.status_code, plain["Location"].split("?")[0]) == (302, reverse("account_login"))
    assert (polled.status_code, polled["HX-Refresh"], polled.content) == (200, "true", b"")


def test_the_fragment_answers_only_get(alice_client, being_checked):
    assert alice_client.post(live_url(being_checked)).status_code == 405


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=HTMX)
    return response.status_code, len(queries)


def test_the_fragment_query_count_is_pinned_and_the_same_for_any_offer(alice_client, alice):
    first = submitted_offer(alice, status=OfferStatus.VALIDATING)
    OfferFactory.create_batch(3, owner=alice)
    fifth = submitted_offer(alice, status=OfferStatus.VALIDATING)
    url = poll_url(alice_client.get(page_url(fifth)).content.decode())

    # The person, the offer joined with their membership (a fragment draws no header listing
    # them all), its checks; the session comes from the cache. Nothing new costs as much, and
    # renders nothing.
    assert _count_queries(alice_client, live_url(first)) == (200, 3)
    assert _count_queries(alice_client, live_url(fifth)) == (200, 3)
    assert _count_queries(alice_client, url) == (204, 3)


def test_the_copy_of_htmx_we_serve_is_the_one_package_lock_json_pins():
    installed = Path(settings.BASE_DIR) / "node_modules" / "htmx.org" / "dist" / "htmx.min.js"
    if not installed.exists():
        pytest.fail(f"htmx is not installed at {installed}: `make test` installs it (npm ci).")

    served = Path(settings.BASE_DIR) / "static" / "vendor" / "htmx.min.js"
    assert served.read_bytes() == installed.read_bytes()
