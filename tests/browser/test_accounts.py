"""django-allauth's pages in Chromium, with the keyboard alone (`Keys`: Tab, typing, Enter):
a reviewer sent to set up an authenticator before the queue, signing in with its codes and with a
recovery code, and an owner whose password route someone else paused, signing in by a mailed
code."""

import re

import pyotp
import pytest
from django.test import Client
from playwright.sync_api import expect

from accounts.models import Role
from tests.browser.wizard_walk import Keys
from tests.factories import PASSWORD, UserFactory
from tests.signing_in import mailed_code, totp_code

pytestmark = pytest.mark.browser

PAUSED = (
    "Too many failed sign-in attempts with a password. Try again in a few minutes, or sign in "
    "now with a one-time code sent to your e-mail address."
)


def sign_in_with_password(page, keys, email):
    page.goto("/accounts/login/")
    keys.fill(page.get_by_label("Email", exact=True), email)
    keys.fill(page.get_by_label("Password", exact=True), PASSWORD)
    keys.activate(page.get_by_role("button", name="Sign In", exact=True))


def sign_out(page, keys):
    """Sign out, and wait for the start page it leads to: a page.goto() while that navigation
    is still under way would abort one of the two."""
    keys.activate(page.get_by_role("button", name="Sign out", exact=True))
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("navigation").get_by_role("link", name="Sign in")).to_be_visible()


def test_a_new_reviewer_sets_up_an_authenticator_before_the_queue_then_uses_it(page):
    UserFactory(email="sam@example.com", role=Role.REVIEWER, two_factor=False)
    keys = Keys(page)
    sign_in_with_password(page, keys, "sam@example.com")
    expect(page).to_have_url(re.compile(r"/offers/$"))

    page.goto("/review/")
    # The set-up asks for the password once more, then shows the app's secret.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    expect(page.locator(".message").first).to_contain_text("Set up an authenticator app now")
    keys.fill(page.get_by_label("Password", exact=True), PASSWORD)
    keys.activate(page.get_by_role("button", name="Confirm", exact=True))
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    secret = page.locator("#authenticator_secret").input_value()
    keys.fill(page.get_by_label("Authenticator code", exact=True), totp_code(secret))
    keys.activate(page.get_by_role("button", name="Activate", exact=True))
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/$"))
    recovery_codes = page.locator("#recovery_codes").input_value().split()
    assert len(recovery_codes) == 10

    page.goto("/review/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")

    # The next sign-in asks for a code from the app.
    sign_out(page, keys)
    sign_in_with_password(page, keys, "sam@example.com")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    keys.fill(page.get_by_label("Code", exact=True), pyotp.TOTP(secret).now())
    keys.activate(page.get_by_role("button", name="Sign In", exact=True))
    expect(page).to_have_url(re.compile(r"/offers/$"))

    # With the phone lost, a recovery code does once.
    sign_out(page, keys)
    sign_in_with_password(page, keys, "sam@example.com")
    keys.fill(page.get_by_label("Code", exact=True), recovery_codes[0])
    keys.activate(page.get_by_role("button", name="Sign In", exact=True))
    expect(page).to_have_url(re.compile(r"/offers/$"))


def test_an_owner_paused_by_someone_elses_guesses_signs_in_with_a_mailed_code(
    page, settings, mailoutbox
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    UserFactory(email="dana@northwind.example")
    attacker = Client()
    for _ in range(5):
        attacker.post(
            "/accounts/login/",
            {"login": "dana@northwind.example", "password": "guess"},
            headers={"X-Forwarded-For": "203.0.113.7"},
        )

    keys = Keys(page)
    sign_in_with_password(page, keys, "dana@northwind.example")
    expect(page.locator("#error-summary")).to_contain_text(PAUSED)

    keys.activate(page.get_by_role("link", name="Send me a sign-in code", exact=True))
    keys.fill(page.get_by_label("Email", exact=True), "dana@northwind.example")
    keys.activate(page.get_by_role("button", name="Request Code", exact=True))
    expect(page).to_have_url(re.compile(r"/accounts/login/code/confirm/$"))
    keys.fill(page.get_by_label("Code", exact=True), mailed_code(mailoutbox[-1]))
    keys.activate(page.get_by_role("button", name="Confirm", exact=True))
    expect(page).to_have_url(re.compile(r"/offers/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My offers")


@pytest.fixture
def security_key(page):
    """Chromium's virtual authenticator (DevTools' WebAuthn domain): a passkey that always
    answers, with the user verified, as a fingerprint reader would."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return devtools


def test_a_publisher_adds_a_passkey_and_signs_in_with_it_alone(page, settings, security_key):
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # the live server is http://localhost
    UserFactory(email="dana@northwind.example")
    keys = Keys(page)
    sign_in_with_password(page, keys, "dana@northwind.example")
    expect(page).to_have_url(re.compile(r"/offers/$"))

    page.goto("/accounts/2fa/webauthn/add/")
    keys.fill(page.get_by_label("Password", exact=True), PASSWORD)
    keys.activate(page.get_by_role("button", name="Confirm", exact=True))
    keys.fill(page.get_by_label("Name", exact=True), "Laptop fingerprint")
    keys.tick(page.get_by_label("Passwordless", exact=True))
    keys.activate(page.get_by_role("button", name="Add", exact=True))
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/$"))

    sign_out(page, keys)
    page.goto("/accounts/login/")
    keys.activate(page.get_by_role("button", name="Sign in with a passkey", exact=True))
    expect(page).to_have_url(re.compile(r"/offers/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My offers")
