"""The publisher's status page, left open, shows the checks finishing and the reviewer's decision
arriving without a reload, under the strict Content-Security-Policy (the page fixture fails the
test on any violation or script error)."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from offers import services
from offers.checks import rounds
from offers.models import Check, CheckStatus, OfferStatus
from tests.browser.pages import UPTIME_REASON, assert_no_serious_violations, sign_in
from tests.factories import UserFactory, publisher, submitted_offer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# htmx asks every 3 seconds: a change shows within one poll and the time the page takes.
SHOWN_WITHIN_MS = 8_000


def test_the_open_status_page_shows_the_checks_finish_and_the_decision_arrive(page, live_server):
    alice = publisher("alice@example.com", company_name="Alice Apps")
    offer = submitted_offer(alice, app_name="Contoso Live", status=OfferStatus.VALIDATING)
    # The workers have taken the logo checks and not finished them yet.
    Check.objects.filter(offer=offer, kind="logo").update(
        status=CheckStatus.RUNNING, finished_at=None
    )
    sign_in(page, alice, live_server.url)
    page.goto(f"/offers/{offer.pk}/")
    sentence = page.locator("#live-sentence")
    expect(sentence).to_have_text("Status: Being checked. 3 of 7 checks finished.")
    expect(page.locator("#live-region .badge--check-running")).to_have_count(4)
    # A mark that a reload would wipe out.
    page.evaluate("window.stillTheSamePage = true")

    for check in Check.objects.filter(offer=offer, status=CheckStatus.RUNNING):
        rounds.finish(check, rounds.Outcome(CheckStatus.PASSED, ""))

    expect(page.locator("#offer-status")).to_have_text("In review", timeout=SHOWN_WITHIN_MS)
    expect(sentence).to_contain_text("Status: In review. 7 of 7 checks finished.")
    expect(page.locator("#live-region .badge--check-passed")).to_have_count(7)
    expect(page.locator("#live-region")).to_contain_text("A reviewer will now look at your offer.")
    reload = sentence.get_by_role("link", name="Reload the page to see what you can do now.")
    expect(reload).to_have_attribute("href", f"/offers/{offer.pk}/")
    assert page.evaluate("window.stillTheSamePage") is True
    assert_no_serious_violations(page, "status page after the checks arrived")

    reviewer = UserFactory(email="carol@example.com", role=Role.REVIEWER)
    services.decide(
        offer, OfferStatus.CHANGES_REQUESTED, reviewer=reviewer, reasons=[UPTIME_REASON]
    )

    expect(page.locator("#offer-status")).to_have_text("Changes requested", timeout=SHOWN_WITHIN_MS)
    reasons = page.get_by_role("region", name="What the reviewer asked for")
    expect(reasons).to_contain_text(UPTIME_REASON[1])
    # Settled: the region no longer asks, and the page is still the one first loaded.
    assert page.locator("#live-region[hx-get]").count() == 0
    assert page.evaluate("window.stillTheSamePage") is True
    assert_no_serious_violations(page, "status page after the decision arrived")
