"""Webhooks in Chromium, with the keyboard alone: an owner goes from the organisation's page to
its webhooks, is told next to the field why an address is refused, registers an endpoint on a
receiver on 127.0.0.1 and sees its secret once; a message arrives, signed; the owner reads the
delivery log, opens the message and sends it again. Each page is checked with axe."""

import re

import pytest
from playwright.sync_api import expect
from standardwebhooks import Webhook

from tests.browser.pages import assert_errors_are_announced, assert_no_serious_violations, sign_in
from tests.browser.wizard_walk import Keys
from tests.factories import OfferFactory, publisher
from tests.webhooks.receiver import receiving
from webhooks import services
from webhooks.models import EventType

pytestmark = pytest.mark.browser


@pytest.fixture
def receiver():
    with receiving() as found:
        yield found


def test_an_owner_registers_an_endpoint_by_keyboard_and_sends_a_message_again(
    page, live_server, settings, receiver
):
    alice = publisher("alice@example.com", company_name="Alice Apps")
    offer = OfferFactory(owner=alice, app_name="Alice Route Planner")
    keys = Keys(page)
    sign_in(page, alice, live_server.url)
    page.goto("/organisation/")
    keys.activate(page.get_by_role("link", name="Webhooks", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhooks")
    assert_no_serious_violations(page, "the webhooks page without endpoints")

    # Without the operator setting for private networks, such an address is refused.
    keys.fill(page.get_by_label("URL", exact=True), "https://10.0.0.7/hooks")
    keys.tick(page.get_by_label("An offer is approved", exact=True))
    keys.activate(page.get_by_role("button", name="Register the endpoint", exact=True))
    assert_errors_are_announced(page)
    expect(page.locator("#id_url_error")).to_have_text(
        "This address is not reachable from the internet."
    )
    assert_no_serious_violations(page, "the webhooks page with an address refused")

    settings.URLCHECK_ALLOW_PRIVATE_NETWORKS = True
    settings.URLCHECK_ALLOWED_PORTS = (80, 443, receiver.port)
    keys.fill(page.get_by_label("URL", exact=True), receiver.url)
    keys.tick(page.get_by_label("An offer is approved", exact=True))
    keys.activate(page.get_by_role("button", name="Register the endpoint", exact=True))
    shown = page.get_by_label("Signing secret", exact=True)
    expect(shown).to_have_value(re.compile(r"^whsec_[A-Za-z0-9+/]{43}=$"))
    secret = shown.input_value()
    assert_no_serious_violations(page, "the webhooks page with a new secret")

    # Outside a transaction here (a live-server test): sent at once, by the eager task.
    services.emit(offer, EventType.APPROVED, {})
    [request] = receiver.requests
    assert Webhook(secret).verify(request.body, request.headers)["type"] == "offer.approved"

    page.goto("/organisation/webhooks/")
    expect(page.get_by_label("Signing secret", exact=True)).to_have_count(0)
    keys.activate(page.get_by_role("link", name=receiver.url, exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Delivery log")
    keys.activate(page.locator("summary", has_text="Message"))
    expect(page.locator("pre").first).to_contain_text('"type": "offer.approved"')
    assert_no_serious_violations(page, "the delivery log with a message open")

    keys.activate(page.get_by_role("button", name=re.compile(r"^Send again")))
    expect(page.locator(".message").first).to_have_text(
        re.compile(r"^Message msg_[0-9a-f]{32} is being sent again, as attempt 2\.$")
    )
    expect(page.get_by_role("row")).to_have_count(3)  # the head, and two attempts
    second = receiver.requests[1]
    assert second.headers["webhook-id"] == request.headers["webhook-id"]
    assert Webhook(secret).verify(second.body, second.headers)["type"] == "offer.approved"
