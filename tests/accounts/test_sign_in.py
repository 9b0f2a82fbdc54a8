"""Signing up, signing in and resetting a password, which are django-allauth's: what our
settings and adapter make of them. A new publisher proves the address with a code; nothing tells
a stranger whether an address has an account; someone guessing a password pauses that route, never
the owner, who signs in with a code from their mailbox."""

import re
import smtplib
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.contrib import auth
from django.core.cache import cache
from django.test import Client

from accounts.models import Role, User
from tests.factories import PASSWORD, UserFactory
from tests.signing_in import mailed_code, sign_in

pytestmark = pytest.mark.django_db

SIGN_UP_URL = "/accounts/signup/"
CONFIRM_URL = "/accounts/confirm-email/"
CODE_LOGIN_URL = "/accounts/login/code/"
CODE_CONFIRM_URL = "/accounts/login/code/confirm/"
RESET_URL = "/accounts/password/reset/"
NEW_PASSWORD = "Ember-willow-compass-62"
WRONG_CREDENTIALS = "The email address and/or password you specified are not correct."
PAUSED = (
    "Too many failed sign-in attempts with a password. Try again in a few minutes, or sign in "
    "now with a one-time code sent to your e-mail address."
)


def sign_up(client, email="nina@example.com", password=NEW_PASSWORD):
    return client.post(SIGN_UP_URL, {"email": email, "password1": password, "password2": password})


def field_errors(response, field):
    return response.context["form"].errors.get(field, [])


# Signing up.


def test_a_new_publisher_confirms_the_address_with_the_mailed_code_before_anything_else(
    client, mailoutbox
):
    response = sign_up(client, email="Nina@Example.com")

    assert response["Location"] == CONFIRM_URL
    nina = User.objects.get()
    assert (nina.email, nina.role, nina.is_staff) == ("nina@example.com", Role.PUBLISHER, False)
    assert client.get("/offers/")["Location"] == "/accounts/login/?next=/offers/"
    assert [message.to for message in mailoutbox] == [["nina@example.com"]]

    response = client.post(CONFIRM_URL, {"code": mailed_code(mailoutbox[0])})

    assert response["Location"] == "/offers/"
    assert auth.get_user(client) == nina
    assert EmailAddress.objects.get(user=nina).verified is True


def test_a_wrong_code_is_refused_next_to_the_field_and_the_right_one_still_works(
    client, mailoutbox
):
    sign_up(client)

    response = client.post(CONFIRM_URL, {"code": "WRONG1"})

    assert response.status_code == 200
    assert field_errors(response, "code") == ["Incorrect code."]
    assert client.post(CONFIRM_URL, {"code": mailed_code(mailoutbox[0])})["Location"] == "/offers/"


def test_a_publisher_who_left_before_typing_the_code_is_asked_for_it_at_the_next_sign_in(
    client, mailoutbox
):
    sign_up(Client())
    cache.clear()  # later: allauth mails an address one code every 10 seconds at most

    response = sign_in(client, "nina@example.com", NEW_PASSWORD)

    assert response["Location"] == CONFIRM_URL
    page = client.get(CONFIRM_URL)
    assert "We've sent a code to" in page.text
    assert "Request new code" in page.text
    assert auth.get_user(client).is_authenticated is False
    code = mailed_code(mailoutbox[-1])
    assert client.post(CONFIRM_URL, {"code": code})["Location"] == "/offers/"


def test_signing_up_with_a_taken_address_looks_the_same_and_warns_its_owner(
    client, alice, mailoutbox
):
    response = sign_up(client, email="ALICE@example.com")

    assert response["Location"] == CONFIRM_URL
    assert User.objects.filter(email__iexact="alice@example.com").count() == 1
    assert [message.to for message in mailoutbox] == [["alice@example.com"]]
    assert "already" in mailoutbox[0].body
    assert auth.get_user(client).is_authenticated is False


def test_two_sign_ups_of_one_address_at_once_make_one_account_and_no_error(client, mailoutbox):
    """The second request checked for a taken address before the first one saved."""
    UserFactory(email="nina@example.com", verified_address=False)
    not_yet_taken = mock.patch(
        "allauth.account.forms.SignupForm.validate_unique_email",
        lambda form, value: value,
    )

    with not_yet_taken:
        response = sign_up(client)

    assert response["Location"] == CONFIRM_URL
    assert User.objects.filter(email="nina@example.com").count() == 1
    assert [message.to for message in mailoutbox] == [["nina@example.com"]]
    assert "already exists" in mailoutbox[0].body


def test_a_weak_password_is_refused_and_the_address_kept(client):
    response = sign_up(client, password="password")

    assert response.status_code == 200
    assert field_errors(response, "password1") == ["This password is too common."]
    assert response.context["form"]["email"].value() == "nina@example.com"
    assert User.objects.exists() is False


def test_nobody_signs_up_as_staff(client, mailoutbox):
    client.post(
        SIGN_UP_URL,
        {
            "email": "eve@example.com",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "role": "admin",
            "is_staff": "on",
        },
    )

    eve = User.objects.get()
    assert (eve.role, eve.is_staff, eve.is_superuser) == (Role.PUBLISHER, False, False)


# Signing in.


def test_a_publisher_signs_in_with_the_password_and_lands_on_their_offers(client, alice):
    response = sign_in(client, "Alice@Example.com")

    assert response["Location"] == "/offers/"
    assert auth.get_user(client) == alice


@pytest.mark.parametrize("email", ["alice@example.com", "nobody@example.com"])
def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(client, alice, email):
    response = sign_in(client, email, "not-the-password")

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [WRONG_CREDENTIALS]
    assert response.context["form"]["login"].value() == email


def fail(client, email, times, **headers):
    for _ in range(times):
        response = client.post(
            "/accounts/login/", {"login": email, "password": "guess"}, headers=headers
        )
    return response


def test_after_five_wrong_passwords_the_password_route_pauses_but_a_mailed_code_signs_in(
    alice, mailoutbox
):
    fail(Client(), "alice@example.com", 5)

    response = sign_in(Client(), "alice@example.com")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [PAUSED]

    owner = Client()
    assert owner.post(CODE_LOGIN_URL, {"email": "alice@example.com"})["Location"] == (
        CODE_CONFIRM_URL
    )
    response = owner.post(CODE_CONFIRM_URL, {"code": mailed_code(mailoutbox[-1])})
    assert response["Location"] == "/offers/"
    assert auth.get_user(owner) == alice


def test_guesses_count_per_account_whatever_host_name_they_are_sent_to(alice):
    for port in range(1, 6):
        Client(HTTP_HOST=f"testserver:{port}").post(
            "/accounts/login/", {"login": "alice@example.com", "password": "guess"}
        )

    response = sign_in(Client(), "alice@example.com")

    assert response.context["form"].non_field_errors() == [PAUSED]


def test_a_code_for_an_unknown_address_looks_the_same_and_signs_nobody_in(client, mailoutbox):
    response = client.post(CODE_LOGIN_URL, {"email": "nobody@example.com"})

    assert response["Location"] == CODE_CONFIRM_URL
    response = client.post(CODE_CONFIRM_URL, {"code": "ABCDEF"})
    assert auth.get_user(client).is_authenticated is False


@pytest.fixture
def behind_one_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


def test_behind_the_proxy_one_client_guessing_is_paused_and_another_client_is_not(
    behind_one_proxy, alice, bob
):
    guesser = {"X-Forwarded-For": "203.0.113.7"}
    others = [UserFactory(email=f"user{n}@example.com") for n in range(10)]
    for person in others:
        fail(Client(), person.email, 1, **guesser)

    # Ten failures in a minute from one address: that address pauses, for every account.
    response = Client().post(
        "/accounts/login/",
        {"login": "alice@example.com", "password": PASSWORD},
        headers=guesser,
    )
    assert response.context["form"].non_field_errors() == [PAUSED]

    colleague = Client()
    response = colleague.post(
        "/accounts/login/",
        {"login": "bob@example.com", "password": PASSWORD},
        headers={"X-Forwarded-For": "203.0.113.8"},
    )
    assert response["Location"] == "/offers/"


# Forgotten passwords.


@pytest.mark.parametrize("email", ["alice@example.com", "nobody@example.com"])
def test_asking_for_a_reset_answers_the_same_for_any_address(client, alice, email, mailoutbox):
    response = client.post(RESET_URL, {"email": email})

    assert response["Location"] == "/accounts/password/reset/done/"
    assert [message.to for message in mailoutbox] == [[email]]


def test_the_reset_link_sets_a_new_password_that_signs_in(client, alice, mailoutbox):
    client.post(RESET_URL, {"email": "alice@example.com"})
    link = re.search(r"https?://[^/]+(/accounts/password/reset/key/\S+/)", mailoutbox[0].body)

    form_url = client.get(link.group(1))["Location"]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response["Location"] == "/accounts/password/reset/key/done/"
    assert sign_in(Client(), "alice@example.com", NEW_PASSWORD)["Location"] == "/offers/"
    assert sign_in(Client(), "alice@example.com").status_code == 200  # the old one no longer


# Its e-mails.


def test_the_code_mail_greets_from_the_portal_at_its_address(client, mailoutbox, settings):
    settings.SITE_URL = "https://desk.example.com"

    sign_up(client)

    assert mailoutbox[0].body.startswith("Hello from Offer Desk!")
    assert mailoutbox[0].body.rstrip().endswith("Thank you for using Offer Desk!\ndesk.example.com")


def test_a_mail_server_that_is_down_is_said_on_the_page_and_a_new_code_can_be_asked(
    client, mailoutbox
):
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
    ):
        response = sign_up(client)

    assert response["Location"] == CONFIRM_URL
    page = client.get(CONFIRM_URL)
    assert [str(m) for m in page.context["messages"]] == [
        "The e-mail to nina@example.com could not be sent just now. Wait a few minutes, then ask "
        "for it again."
    ]
    assert "Request new code" in page.text

    cache.clear()  # later: allauth sends an address one code every 10 seconds at most
    client.post(CONFIRM_URL, {"action": "resend"})
    assert client.post(CONFIRM_URL, {"code": mailed_code(mailoutbox[-1])})["Location"] == "/offers/"
