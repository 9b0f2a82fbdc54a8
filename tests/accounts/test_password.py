"""Changing a password when signed in, and resetting a forgotten one by e-mail."""

import re

import pytest
from django.contrib import auth
from django.core import mail

pytestmark = pytest.mark.django_db

CHANGE_URL = "/accounts/password/change/"
RESET_URL = "/accounts/password/reset/"
NEW_PASSWORD = "Quiet-harbour-compass-71"


def log_in(client, email, password):
    return client.post("/accounts/login/", {"username": email, "password": password})


# Changing the password.


def test_changing_the_password_needs_a_signed_in_user(client):
    response = client.get(CHANGE_URL)

    assert response["Location"] == "/accounts/login/?next=/accounts/password/change/"


def test_a_signed_in_user_changes_their_password_and_stays_signed_in(alice_client, alice, password):
    response = alice_client.post(
        CHANGE_URL,
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response["Location"] == "/accounts/password/change/done/"
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert auth.get_user(alice_client) == alice
    assert alice_client.get("/accounts/password/change/done/").status_code == 200


def test_after_a_change_only_the_new_password_logs_in(client, alice, password):
    client.force_login(alice)
    client.post(
        CHANGE_URL,
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    client.post("/accounts/logout/")

    assert log_in(client, "alice@example.com", password).status_code == 200
    assert log_in(client, "alice@example.com", NEW_PASSWORD)["Location"] == "/offers/"


def test_a_change_with_the_wrong_old_password_is_refused(alice_client, alice, password):
    response = alice_client.post(
        CHANGE_URL,
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "old_password": ["Your old password was entered incorrectly. Please enter it again."]
    }
    alice.refresh_from_db()
    assert alice.check_password(password)


def test_a_change_to_a_weak_password_is_refused_by_djangos_validators(alice_client, password):
    response = alice_client.post(
        CHANGE_URL,
        {"old_password": password, "new_password1": "12345678", "new_password2": "12345678"},
    )

    assert response.context["form"].errors == {
        "new_password2": ["This password is too common.", "This password is entirely numeric."]
    }


# Resetting a forgotten password.


def reset_link(message):
    (link,) = re.findall(r"http://testserver(/accounts/password/reset/[^/\s]+/[^/\s]+/)", message)
    return link


def test_a_reset_request_for_an_account_sends_one_mail_with_a_link(client, alice):
    response = client.post(RESET_URL, {"email": "alice@example.com"})

    assert response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.com"]
    assert message.subject == "Reset your Offer Desk password"
    assert message.from_email == "Offer Desk <noreply@offerdesk.invalid>"
    assert message.body == (
        "Someone asked to reset the password of your Offer Desk account (alice@example.com).\n\n"
        "Choose a new password here:\n"
        f"http://testserver{reset_link(message.body)}\n\n"
        "If it was not you, ignore this message; your password stays as it is.\n\n"
    )


def test_a_reset_request_finds_the_account_in_any_case(client, alice):
    client.post(RESET_URL, {"email": "ALICE@Example.com"})

    assert [m.to for m in mail.outbox] == [["alice@example.com"]]


def test_the_link_in_the_reset_mail_sets_a_new_password_that_logs_in(client, alice, password):
    client.post(RESET_URL, {"email": "alice@example.com"})

    form_page = client.get(reset_link(mail.outbox[0].body), follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    set_password_url = form_page.redirect_chain[-1][0]
    assert set_password_url.endswith("/set-password/")

    response = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response["Location"] == "/accounts/password/reset/complete/"
    assert client.get("/accounts/password/reset/complete/").status_code == 200
    assert log_in(client, "alice@example.com", password).status_code == 200
    assert log_in(client, "alice@example.com", NEW_PASSWORD)["Location"] == "/offers/"
    assert auth.get_user(client) == alice


def test_a_reset_link_works_only_once(client, alice):
    client.post(RESET_URL, {"email": "alice@example.com"})
    link = reset_link(mail.outbox[0].body)
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    response = client.get(link, follow=True)

    assert response.context["validlink"] is False
    assert "This link no longer works" in response.content.decode()


def test_the_reset_form_refuses_a_weak_new_password(client, alice, password):
    client.post(RESET_URL, {"email": "alice@example.com"})
    set_password_url = client.get(reset_link(mail.outbox[0].body), follow=True).redirect_chain[-1][
        0
    ]

    response = client.post(set_password_url, {"new_password1": "qwerty", "new_password2": "qwerty"})

    assert response.context["form"].errors == {
        "new_password2": [
            "This password is too short. It must contain at least 8 characters.",
            "This password is too common.",
        ]
    }
    alice.refresh_from_db()
    assert alice.check_password(password)


def test_an_unknown_address_gets_the_same_sent_page_and_no_mail(client, alice):
    response = client.post(RESET_URL, {"email": "nobody@example.com"}, follow=True)

    assert response.redirect_chain == [("/accounts/password/reset/sent/", 302)]
    assert "If an account exists for that address, we have sent it a link" in (
        response.content.decode()
    )
    assert mail.outbox == []


def test_a_deactivated_account_gets_no_reset_mail(client, alice):
    alice.is_active = False
    alice.save()

    response = client.post(RESET_URL, {"email": "alice@example.com"})

    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


LOCKED = (
    "Too many failed sign-in attempts. Sign-in is paused; "
    "try again in 15 minutes, or reset your password."
)


def set_new_password_by_mail(client, email):
    client.post(RESET_URL, {"email": email})
    set_password_url = client.get(reset_link(mail.outbox[-1].body), follow=True).redirect_chain[-1][
        0
    ]
    return client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )


def test_a_password_reset_lifts_the_pause_on_a_locked_account(client, alice):
    for n in range(5):
        client.post(
            "/accounts/login/",
            {"username": "alice@example.com", "password": "wrong"},
            REMOTE_ADDR=f"198.51.100.{n}",
        )
    assert log_in(client, "alice@example.com", "wrong").context["form"].non_field_errors() == [
        LOCKED
    ]

    set_new_password_by_mail(client, "alice@example.com")

    assert log_in(client, "alice@example.com", NEW_PASSWORD)["Location"] == "/offers/"


def test_a_password_reset_does_not_lift_the_pause_on_a_client_address(client, alice, bob):
    for n in range(20):
        log_in(client, f"guess{n}@example.com", "wrong")

    set_new_password_by_mail(client, "alice@example.com")

    response = log_in(client, "alice@example.com", NEW_PASSWORD)
    assert response.context["form"].non_field_errors() == [LOCKED]


def test_an_unused_reset_link_does_not_lift_the_pause(client, alice, password):
    for _attempt in range(5):
        log_in(client, "alice@example.com", "wrong")
    client.post(RESET_URL, {"email": "alice@example.com"})
    client.get(reset_link(mail.outbox[0].body), follow=True)

    response = log_in(client, "alice@example.com", password)

    assert response.context["form"].non_field_errors() == [LOCKED]
