"""WCAG 2.1.1 Keyboard, 2.4.7 Focus visible, 3.3.1 Error identification: the whole wizard with
the keyboard alone, from "New offer" to "Submitted", and a failed step that says what is wrong
where a screen reader finds it; the bulk actions of the reviewers' queue, from the boxes to the
confirmation. No click() anywhere: see `Keys`."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from offers.models import Offer, OfferStatus
from tests.browser.pages import ERRORS_NOT_TIED, sign_in
from tests.browser.wizard_walk import (
    AAD_APP_ID,
    Keys,
    Texts,
    WizardWalk,
    assert_focus_is_visible,
)
from tests.factories import UserFactory, publisher, submitted_offer

pytestmark = pytest.mark.browser

TOO_LOW = "The marketplace requires an uptime of at least 99.9%."
UPTIME_HELP = "A percentage, such as 99.95."
NOT_A_GUID = (
    "Enter the application (client) ID as a GUID: 32 hexadecimal digits in groups of "
    "8-4-4-4-12, as the Azure portal shows it."
)


def test_a_publisher_completes_the_wizard_with_the_keyboard_alone(
    page, screenshot, live_server, publisher_site, tmp_path
):
    publisher = UserFactory(email="dana@northwind.example")
    sign_in(page, publisher, live_server.url)
    keys = Keys(page)
    walk = WizardWalk(page, keys, Texts("en"), screenshot, site=publisher_site, tmp_path=tmp_path)
    page.goto("/offers/")
    screenshot("my-offers")

    walk.new_offer()
    walk.publisher()

    # Two mistakes on the technical step: the page opens on the error summary.
    walk.technical(uptime="99.5", aad_application_id="0f8fad5b-not-a-guid")
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.get_by_role("listitem")).to_have_text(
        [
            f"Azure AD application (client) ID: {NOT_A_GUID}",
            f"Uptime commitment: {TOO_LOW}",
        ]
    )
    assert page.evaluate(ERRORS_NOT_TIED) == []
    screenshot("technical-errors")

    # The summary's second link leads to the uptime, described by its error.
    keys.activate(summary.get_by_role("link").nth(1))
    uptime = page.locator("#id_technical-uptime_percent")
    expect(uptime).to_be_focused()
    assert_focus_is_visible(page, "the uptime, reached from the error summary")
    assert described_by(page, uptime) == [UPTIME_HELP, TOO_LOW]
    keys.fill(uptime, "99.95")
    # Back up the page with Shift+Tab to the other mistake.
    aad = page.locator("#id_technical-aad_application_id")
    keys.focus(aad, backwards=True)
    expect(aad).to_have_attribute("aria-invalid", "true")
    assert described_by(page, aad) == [
        "The application (client) ID of your app's Azure Active Directory registration, a GUID "
        "such as 0f8fad5b-d9cb-469f-a165-70867728950e.",
        NOT_A_GUID,
    ]
    keys.fill(aad, AAD_APP_ID)
    walk.save_and_continue()

    walk.business()
    walk.uptime_is("99.95")
    walk.marketing()
    walk.review(uptime_shown="99.95%")
    walk.submitted()


def described_by(page, control):
    """The texts of the elements that `control`'s aria-describedby names, in its order."""
    ids = control.get_attribute("aria-describedby").split()
    return [" ".join(page.locator(f"#{id_}").inner_text().split()) for id_ in ids]


def test_a_reviewer_assigns_offers_in_bulk_with_the_keyboard_alone(page, screenshot, live_server):
    """Tick two offers of a filtered queue, look at what running their checks again would do,
    go back to the queue as it was, then assign them and confirm: Tab, Space, arrows, Enter."""
    alice = publisher("alice@example.com", company_name="Alice Apps")
    planner = submitted_offer(alice, app_name="Route Planner")
    archive = submitted_offer(alice, app_name="Route Archive", status=OfferStatus.APPROVED)
    submitted_offer(alice, app_name="Field Notes")
    carol = UserFactory(email="carol@example.com", role=Role.REVIEWER)
    erin = UserFactory(email="erin@example.com", role=Role.REVIEWER)
    sign_in(page, carol, live_server.url)
    keys = Keys(page)
    filtered = "/review/?state=all&q=Route"
    page.goto(filtered)

    def select_both_and_choose(action):
        for name in ("Route Planner", "Route Archive"):
            keys.tick(page.get_by_label(f"Select {name}", exact=True))
        keys.choose(page.get_by_label(action, exact=True))

    select_both_and_choose("Run the checks again")
    with page.expect_navigation():
        keys.activate(page.get_by_role("button", name="Continue", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Run the checks of the selected offers again?"
    )
    expect(page.locator(".bulk-table tbody th")).to_have_text(["Route Planner", "Route Archive"])
    screenshot("bulk-rerun-confirmation")
    with page.expect_navigation():
        keys.activate(page.get_by_role("link", name="Back to the queue", exact=True))
    expect(page).to_have_url(re.compile(r"/review/\?state=all&q=Route$"))

    select_both_and_choose("Assign to a reviewer")
    keys.select(page.get_by_label("Reviewer to assign", exact=True), str(erin.pk))
    with page.expect_navigation():
        keys.activate(page.get_by_role("button", name="Continue", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Assign the selected offers to erin@example.com?"
    )
    screenshot("bulk-assign-confirmation")
    with page.expect_navigation():
        keys.activate(page.get_by_role("button", name="Confirm", exact=True))

    expect(page).to_have_url(re.compile(r"/review/\?state=all&q=Route$"))
    expect(page.locator(".message")).to_have_text(
        [
            "1 offer is now assigned to erin@example.com.",
            "“Route Archive” was left as it was: Only an offer still under way can be "
            "assigned; it is “Approved”.",
        ]
    )
    screenshot("bulk-assigned")
    assigned = dict(Offer.objects.values_list("pk", "assigned_to"))
    assert (assigned[planner.pk], assigned[archive.pk]) == (erin.pk, None)
