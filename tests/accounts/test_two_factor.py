"""Two-factor authentication (django-allauth's mfa): an authenticator app with recovery codes.
Reviewers and admins must have it before a staff page opens; a publisher may turn it on."""

import time

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.contrib import auth
from django.test import Client

from accounts.models import Role
from tests.factories import PASSWORD, TOTP_SECRET, UserFactory
from tests.signing_in import LOGIN_URL, SECOND_FACTOR_URL, sign_in, totp_code

pytestmark = pytest.mark.django_db

ACTIVATE_URL = "/accounts/2fa/totp/activate/"
RECOVERY_CODES_URL = "/accounts/2fa/recovery-codes/"
SET_UP_FIRST = (
    "Reviewers and admins sign in with a second factor. Set up an authenticator app now, keep "
    "the recovery codes somewhere safe, then go back to the page you asked for."
)


def turn_on_two_factor(client, password=PASSWORD):
    """From a fresh sign-in: confirm the password once more, scan, type the app's first code.
    Returns the app's secret."""
    response = client.get(ACTIVATE_URL)
    if response.status_code == 302:
        client.post(response["Location"], {"password": password})
    secret = client.get(ACTIVATE_URL).context["form"].secret
    response = client.post(ACTIVATE_URL, {"code": pyotp.TOTP(secret).now()})
    assert response["Location"] == RECOVERY_CODES_URL
    return secret


def messages_on(response):
    return [str(message) for message in response.context["messages"]]


def test_a_publisher_turns_it_on_from_the_profile_and_then_signs_in_with_a_code(alice):
    browser = Client()
    sign_in(browser, "alice@example.com")
    profile = browser.get("/accounts/profile/").text
    assert "Two-factor authentication is off." in profile
    assert 'href="/accounts/2fa/"' in profile

    secret = turn_on_two_factor(browser)

    assert "Two-factor authentication is on" in browser.get("/accounts/profile/").text
    later = Client()
    response = later.post(LOGIN_URL, {"login": "alice@example.com", "password": PASSWORD})
    assert response["Location"] == SECOND_FACTOR_URL
    assert auth.get_user(later).is_authenticated is False
    response = later.post(SECOND_FACTOR_URL, {"code": "000000"})
    assert response.context["form"].errors["code"] == ["Incorrect code."]
    response = later.post(SECOND_FACTOR_URL, {"code": totp_code(secret)})
    assert response["Location"] == "/offers/"
    assert auth.get_user(later) == alice


def test_the_recovery_codes_shown_once_each_sign_in_once(alice):
    browser = Client()
    sign_in(browser, "alice@example.com")
    turn_on_two_factor(browser)
    codes = browser.get(RECOVERY_CODES_URL).context["unused_codes"]
    assert len(codes) == 10

    phone_lost = Client()
    response = sign_in(phone_lost, "alice@example.com", code=codes[0])
    assert response["Location"] == "/offers/"

    again = Client()
    response = sign_in(again, "alice@example.com", code=codes[0])
    assert response.context["form"].errors["code"] == ["Incorrect code."]
    assert auth.get_user(again).is_authenticated is False


def test_a_code_from_the_app_signs_in_once(reviewer):
    code = totp_code()

    assert sign_in(Client(), reviewer.email, code=code)["Location"] == "/offers/"
    assert sign_in(Client(), reviewer.email, code=code).status_code == 200


def test_a_reviewer_password_alone_signs_nobody_in(reviewer):
    browser = Client()

    response = browser.post(LOGIN_URL, {"login": reviewer.email, "password": PASSWORD})

    assert response["Location"] == SECOND_FACTOR_URL
    assert browser.get("/review/")["Location"] == "/accounts/login/?next=/review/"


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.ADMIN])
def test_a_reviewer_or_admin_without_a_second_factor_sets_one_up_before_the_queue(client, role):
    person = UserFactory(email="sam@example.com", role=role, two_factor=False)
    sign_in(client, person.email)

    response = client.get("/review/?status=submitted")

    assert response["Location"] == ACTIVATE_URL
    assert SET_UP_FIRST in messages_on(client.get("/accounts/reauthenticate/"))
    turn_on_two_factor(client)
    assert client.get("/review/?status=submitted").status_code == 200


def test_an_admin_without_a_second_factor_sets_one_up_before_the_admin(client):
    person = UserFactory(email="sam@example.com", role=Role.ADMIN, two_factor=False)
    sign_in(client, person.email)

    assert client.get("/admin/accounts/user/")["Location"] == ACTIVATE_URL
    turn_on_two_factor(client)
    assert client.get("/admin/accounts/user/").status_code == 200


def test_a_reviewer_without_one_gets_the_admin_refusal_not_a_set_up(client):
    person = UserFactory(email="sam@example.com", role=Role.REVIEWER, two_factor=False)
    client.force_login(person)

    assert client.get("/admin/").status_code == 403


def test_a_publisher_is_never_asked_for_one(client, alice):
    client.force_login(alice)

    assert client.get("/review/").status_code == 403
    assert client.get("/offers/").status_code == 200


def test_a_reviewer_who_removes_the_app_is_asked_for_a_new_one(reviewer):
    browser = Client()
    sign_in(browser, reviewer.email)
    browser.post("/accounts/reauthenticate/", {"password": PASSWORD})

    response = browser.post("/accounts/2fa/totp/deactivate/")

    assert response["Location"] == "/accounts/2fa/"
    assert Authenticator.objects.filter(user=reviewer, type="totp").exists() is False
    assert browser.get("/review/")["Location"] == ACTIVATE_URL


@pytest.mark.parametrize(("periods_ago", "accepted"), [(1, True), (2, False)])
def test_a_code_from_the_period_before_is_taken_one_older_is_not(periods_ago, accepted):
    UserFactory(email="rita@example.com", role=Role.REVIEWER)
    client = Client()
    client.post(LOGIN_URL, {"login": "rita@example.com", "password": PASSWORD})
    app = pyotp.TOTP(TOTP_SECRET)

    response = client.post(SECOND_FACTOR_URL, {"code": app.at(time.time() - 30 * periods_ago)})

    assert (response.status_code == 302) is accepted
    assert auth.get_user(client).is_authenticated is accepted
