"""WCAG 2.1 AA: axe-core (from npm, see package.json) finds no serious or critical violation on
the wizard, the status page, "My offers", the review queue, the reviewer's offer page and the
webhook pages.

axe checks what a machine can: contrast, names, labels, landmarks, ids, ARIA. The keyboard,
reflow and language tests beside this file cover what it cannot."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role, User
from tests.browser.pages import (
    ERRORS_NOT_TIED,
    WIZARD_STEPS,
    assert_errors_are_announced,
    axe_violations,
    describe,
    seed_every_state,
    seed_webhooks,
    sign_in,
)
from tests.browser.test_publisher_journey import png_file, save_and_continue
from tests.factories import OfferFactory, UserFactory
from tests.signing_in import mailed_code, totp_code

pytestmark = pytest.mark.browser


class Audit:
    """Runs axe on each page it is shown and reports every page with violations at once."""

    def __init__(self, page):
        self.page = page
        self.found = []

    def check(self, where):
        self.page.wait_for_load_state("load")
        violations = axe_violations(self.page)
        if violations:
            self.found.append(f"== {where} ({self.page.url})\n{describe(violations)}")

    def assert_clean(self):
        if self.found:
            pytest.fail("axe-core found:\n" + "\n\n".join(self.found), pytrace=False)


@pytest.fixture
def seeded(live_server):
    return seed_every_state()


@pytest.fixture
def as_publisher(page, seeded, live_server):
    sign_in(page, seeded.publisher, live_server.url)
    return page


def test_every_wizard_step_has_no_serious_violations(as_publisher, seeded):
    page, audit = as_publisher, Audit(as_publisher)
    page.goto("/offers/new/")
    audit.check("new offer (publisher step)")
    for step in WIZARD_STEPS:
        page.goto(f"/offers/{seeded.draft.pk}/edit/{step}/")
        audit.check(f"{step} step")
    page.goto(f"/offers/{seeded.incomplete.pk}/edit/review/")
    audit.check("review step of an incomplete draft")
    page.goto(f"/offers/{seeded.changes_requested.pk}/edit/technical/")
    audit.check("technical step with the reviewer's reasons")
    audit.assert_clean()


def test_every_wizard_step_announces_its_errors_and_has_no_serious_violations(
    as_publisher, seeded, tmp_path
):
    page, audit = as_publisher, Audit(as_publisher)
    page.goto("/offers/new/")
    page.get_by_label("Company name", exact=True).fill("")
    save_and_continue(page)
    assert_errors_are_announced(page)
    audit.check("new offer with errors")

    draft = f"/offers/{seeded.draft.pk}/edit"
    page.goto(f"{draft}/publisher/")
    page.get_by_label("Company name", exact=True).fill("")
    page.get_by_label("MPN ID", exact=True).fill("not a number")
    save_and_continue(page)
    assert_errors_are_announced(page)
    audit.check("publisher step with errors")

    page.goto(f"{draft}/technical/")
    page.get_by_label("Azure AD application (client) ID", exact=True).fill("not-a-guid")
    page.get_by_label("Uptime commitment", exact=True).fill("99.5")
    page.get_by_label("Support URL", exact=True).fill("")
    save_and_continue(page)
    assert_errors_are_announced(page)
    audit.check("technical step with errors")

    page.goto(f"{draft}/business/")
    page.locator("#id_business-licensing_responsibility").uncheck()
    # No one can untick a radio; the script stands for a request that left it out.
    page.locator("[name=business-support_model]").evaluate_all(
        "radios => radios.forEach(radio => { radio.checked = false; })"
    )
    save_and_continue(page)
    assert_errors_are_announced(page)
    audit.check("business step with errors")

    page.goto(f"{draft}/marketing/")
    page.get_by_label("Official app name", exact=True).fill("")
    page.get_by_label("Logo 90 x 90", exact=True).set_input_files(png_file(tmp_path, 91, 90))
    save_and_continue(page)
    assert_errors_are_announced(page)
    audit.check("marketing step with errors")

    page.goto(f"/offers/{seeded.incomplete.pk}/edit/review/")
    page.get_by_role("button", name="Submit offer", exact=True).click()
    expect(page.locator(".message--error")).to_be_visible()
    audit.check("a refused submission, back on the incomplete step")
    audit.assert_clean()


def test_the_status_page_in_every_state_has_no_serious_violations(as_publisher, seeded):
    page, audit = as_publisher, Audit(as_publisher)
    for name in ("draft", "incomplete", "in_review", "changes_requested", "changes_needed"):
        page.goto(f"/offers/{getattr(seeded, name).pk}/")
        audit.check(f"status page: {name}")
    page.goto(f"/offers/{seeded.in_review.pk}/")
    page.get_by_role("button", name="Withdraw", exact=True).click()
    audit.check("status page after a withdrawal without its confirmation")
    audit.assert_clean()


@pytest.mark.parametrize("language", ["nl", "zh-hant"])
def test_the_publishers_pages_in_dutch_and_chinese_have_no_serious_violations(
    page, seeded, live_server, language
):
    User.objects.filter(pk=seeded.publisher.pk).update(language=language)
    sign_in(page, seeded.publisher, live_server.url)
    audit = Audit(page)
    for where, url in [
        ("my offers", "/offers/"),
        ("new offer", "/offers/new/"),
        *((f"{step} step", f"/offers/{seeded.draft.pk}/edit/{step}/") for step in WIZARD_STEPS),
        ("status page: changes requested", f"/offers/{seeded.changes_requested.pk}/"),
    ]:
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", language)
        audit.check(f"{where} in {language}")
    audit.assert_clean()


def test_my_offers_with_news_has_no_serious_violations(as_publisher, seeded):
    page, audit = as_publisher, Audit(as_publisher)
    page.goto("/offers/")
    expect(page.locator(".news-list li").first).to_be_visible()
    audit.check("my offers")
    audit.assert_clean()


def test_my_offers_over_two_pages_has_no_serious_violations_and_pages_by_keyboard(
    as_publisher, seeded
):
    page, audit = as_publisher, Audit(as_publisher)
    OfferFactory.create_batch(25, owner=seeded.publisher, with_logos=False)
    page.goto("/offers/")
    pages = page.get_by_role("navigation", name="Pages of your offers")
    expect(pages).to_contain_text("Page 1 of 2")
    audit.check("my offers, page 1 of 2")

    pages.get_by_role("link", name="Next").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("navigation", name="Pages of your offers")).to_contain_text(
        "Page 2 of 2"
    )
    audit.check("my offers, page 2 of 2")
    audit.assert_clean()


def test_the_review_queue_and_offer_page_have_no_serious_violations(page, seeded, live_server):
    sign_in(page, seeded.reviewer, live_server.url)
    audit = Audit(page)
    page.goto("/review/")
    audit.check("review queue")
    page.goto("/review/?state=changes_requested&q=Contoso")
    audit.check("review queue, filtered")
    page.goto("/review/?q=nothing-matches-this")
    audit.check("review queue, empty")
    page.goto(f"/review/offers/{seeded.resubmitted.pk}/")
    changes = page.get_by_role("region", name="What changed since revision 1")
    expect(changes.get_by_role("columnheader")).to_have_text(["Revision 1", "Revision 2"])
    # Both logos of the 90 × 90 slot arrive: the replaced one from revision 1's files.
    for number in (1, 2):
        logo = changes.get_by_role("img", name=f"90 × 90 logo of revision {number}")
        expect(logo).to_have_js_property("naturalWidth", 90)
    audit.check("review page: resubmitted, with changes, checks and history")
    page.get_by_role("button", name="Record the decision", exact=True).click()
    # The decision opens on its first error, the decision's first choice, not on the summary.
    expect(page.locator("#id_decision_0")).to_be_focused()
    expect(page.locator("#error-summary")).to_have_attribute("role", "alert")
    assert page.evaluate(ERRORS_NOT_TIED) == []
    audit.check("review page: a decision with errors")
    for name in ("changes_needed", "changes_requested", "in_review"):
        page.goto(f"/review/offers/{getattr(seeded, name).pk}/")
        audit.check(f"review page: {name}")
    audit.assert_clean()


def test_the_bulk_actions_and_their_confirmation_have_no_serious_violations(
    page, seeded, live_server
):
    """The queue's boxes and actions, the confirmation of each action with an offer it leaves
    as it is, and a reviewer refused there."""
    UserFactory(email="erin@example.com", role=Role.REVIEWER)
    sign_in(page, seeded.reviewer, live_server.url)
    audit = Audit(page)

    def continue_with(action, names, reviewer=None):
        page.goto("/review/?q=Contoso")
        for name in names:
            page.get_by_label(f"Select {name}", exact=True).check()
        page.get_by_label(action, exact=True).check()
        if reviewer is not None:
            page.get_by_label("Reviewer to assign", exact=True).select_option(label=reviewer)
        page.get_by_role("button", name="Continue", exact=True).click()

    continue_with("Run the checks again", ["Contoso In Review", "Contoso Changes Requested"])
    expect(page.locator(".bulk-outcome--left")).to_have_count(1)
    audit.check("bulk: running the checks again, one offer left as it is")
    continue_with("Assign to a reviewer", ["Contoso Checks Failed"], "erin@example.com")
    expect(page.get_by_role("button", name="Confirm", exact=True)).to_be_visible()
    audit.check("bulk: assigning")
    page.goto("/review/")
    # A reviewer who can no longer take offers on (made inactive since the queue was drawn).
    page.locator("#bulk_reviewer").evaluate("select => { select.options[0].value = '0'; }")
    page.get_by_label("Select Contoso In Review", exact=True).check()
    page.get_by_label("Assign to a reviewer", exact=True).check()
    page.get_by_role("button", name="Continue", exact=True).click()
    assert_errors_are_announced(page)
    audit.check("bulk: a reviewer who cannot take offers on")
    audit.assert_clean()


def test_the_webhook_pages_have_no_serious_violations(as_publisher, seeded):
    """The list with a working and a stopped endpoint, the form with its errors, and a log
    with an attempt of every kind."""
    page, audit = as_publisher, Audit(as_publisher)
    working, stopped = seed_webhooks(seeded)
    page.goto("/organisation/webhooks/")
    audit.check("webhooks: two endpoints, one stopped")
    page.get_by_label("URL", exact=True).fill("http://hooks.example.com/")
    page.get_by_role("button", name="Register the endpoint", exact=True).click()
    assert_errors_are_announced(page)
    audit.check("webhooks: a refused registration")
    for endpoint in (working, stopped):
        page.goto(f"/organisation/webhooks/{endpoint.pk}/")
        page.locator("summary").first.click()
        audit.check(f"delivery log of {endpoint.url}")
    audit.assert_clean()


def test_the_account_pages_of_django_allauth_have_no_serious_violations(
    page, live_server, mailoutbox
):
    """Sign-up, codes, sign-in and the second factor, passwords, sessions: allauth's pages in
    the portal's layout and elements (templates/allauth/)."""
    audit = Audit(page)
    for where, url in [
        ("sign-in", "/accounts/login/"),
        ("sign-up", "/accounts/signup/"),
        ("forgotten password", "/accounts/password/reset/"),
        ("sign-in code", "/accounts/login/code/"),
    ]:
        page.goto(url)
        audit.check(where)
    for language in ("nl", "zh-hant"):
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        page.goto("/accounts/login/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        audit.check(f"sign-in in {language}")
    page.context.clear_cookies()

    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign In", exact=True).click()
    assert_errors_are_announced(page)
    audit.check("sign-in with errors")
    page.goto("/accounts/signup/")
    page.get_by_label("Email", exact=True).fill("nina@example.com")
    page.get_by_label("Password", exact=True).fill("password")
    page.get_by_role("button", name="Sign Up", exact=True).click()
    assert_errors_are_announced(page)
    audit.check("sign-up with errors")

    strong = "Ember-willow-compass-62"
    page.get_by_label("Password", exact=True).fill(strong)
    page.get_by_label("Password (again)", exact=True).fill(strong)
    page.get_by_role("button", name="Sign Up", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    audit.check("the code of a new address")
    page.get_by_label("Code", exact=True).fill(mailed_code(mailoutbox[-1]))
    page.get_by_role("button", name="Confirm", exact=True).click()
    expect(page).to_have_url(re.compile(r"/offers/$"))

    for where, url in [
        ("profile with security", "/accounts/profile/"),
        ("two-factor overview", "/accounts/2fa/"),
        ("sessions", "/accounts/sessions/"),
        ("e-mail addresses", "/accounts/email/"),
        ("change password", "/accounts/password/change/"),
    ]:
        page.goto(url)
        audit.check(where)
    page.goto("/accounts/2fa/totp/activate/")
    audit.check("confirm the password once more")
    page.get_by_label("Password", exact=True).fill(strong)
    page.get_by_role("button", name="Confirm", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    audit.check("authenticator app set-up")
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code", exact=True).fill(totp_code(secret))
    page.get_by_role("button", name="Activate", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/$"))
    audit.check("recovery codes")
    page.goto("/accounts/2fa/webauthn/add/")
    audit.check("add a passkey")
    page.goto("/accounts/2fa/webauthn/")
    audit.check("passkeys")

    page.get_by_role("button", name="Sign out", exact=True).click()
    page.goto("/accounts/login/")
    page.get_by_label("Email", exact=True).fill("nina@example.com")
    page.get_by_label("Password", exact=True).fill(strong)
    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    audit.check("second step of signing in")
    audit.assert_clean()
