"""Logging in with an e-mail address, the pause after repeated failures, and logging out."""

import pytest
from django.contrib import auth
from django.core.cache import cache

from accounts import services

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
LOGOUT_URL = "/accounts/logout/"
OFFICE = "203.0.113.7"

INVALID_LOGIN = (
    "That e-mail address and password do not match an account. "
    "Check both; the password is case-sensitive."
)


def locked_out(minutes):
    unit = "minute" if minutes == 1 else "minutes"
    return (
        "Too many failed sign-in attempts. Sign-in is paused; "
        f"try again in {minutes} {unit}, or reset your password."
    )


LOCKED_15_MINUTES = (
    "Too many failed sign-in attempts. Sign-in is paused; "
    "try again in 15 minutes, or reset your password."
)


def log_in(client, email, password, address=OFFICE, **extra):
    return client.post(
        LOGIN_URL, {"username": email, "password": password, **extra}, REMOTE_ADDR=address
    )


def form_errors(response):
    return response.context["form"].non_field_errors()


def signed_in_user(client):
    return auth.get_user(client)


@pytest.fixture
def clock(monkeypatch):
    """Time as the lockout sees it; tests move it forward by hand."""

    class Clock:
        now = 1_700_000_000.0

        def advance(self, seconds):
            self.now += seconds

    clock = Clock()
    monkeypatch.setattr(services, "_now", lambda: clock.now)
    return clock


def test_the_login_form_asks_for_the_email_address_and_password(client):
    response = client.get(LOGIN_URL)

    form = response.context["form"]
    assert list(form.fields) == ["username", "password"]
    assert form.fields["username"].label == "E-mail address"
    assert form.fields["username"].widget.attrs["autocomplete"] == "email"


def test_a_publisher_logs_in_with_email_and_password_and_lands_on_their_offers(
    client, alice, password
):
    response = log_in(client, "alice@example.com", password)

    assert response.status_code == 302
    assert response["Location"] == "/offers/"
    assert signed_in_user(client) == alice


@pytest.mark.parametrize("email", ["ALICE@EXAMPLE.COM", "Alice@Example.com"])
def test_the_email_address_is_not_case_sensitive(client, alice, password, email):
    response = log_in(client, email, password)

    assert response["Location"] == "/offers/"
    assert signed_in_user(client) == alice


def test_login_returns_to_the_page_that_asked_for_it(client, alice, password):
    response = log_in(client, "alice@example.com", password, next="/accounts/profile/")

    assert response["Location"] == "/accounts/profile/"


def test_login_never_redirects_to_another_site(client, alice, password):
    response = log_in(client, "alice@example.com", password, next="https://evil.example/")

    assert response["Location"] == "/offers/"


def test_a_wrong_password_is_refused_with_a_message_that_names_both_fields(client, alice):
    response = log_in(client, "alice@example.com", "correct-horse-battery-9")

    assert response.status_code == 200
    assert form_errors(response) == [INVALID_LOGIN]
    assert signed_in_user(client).is_authenticated is False


def test_an_unknown_address_gets_the_same_message_as_a_wrong_password(client, alice, password):
    response = log_in(client, "nobody@example.com", password)

    assert form_errors(response) == [INVALID_LOGIN]


def test_a_deactivated_account_cannot_log_in(client, alice, password):
    alice.is_active = False
    alice.save()

    response = log_in(client, "alice@example.com", password)

    assert form_errors(response) == [INVALID_LOGIN]
    assert signed_in_user(client).is_authenticated is False


def test_a_signed_in_user_visiting_login_is_sent_to_their_offers(alice_client):
    assert alice_client.get(LOGIN_URL)["Location"] == "/offers/"


# The lockout. LOGIN_FAILURE_LIMIT is 5 and LOGIN_LOCKOUT_SECONDS 15 minutes.


def test_the_limits_are_five_failures_and_a_fifteen_minute_pause(settings):
    assert settings.LOGIN_FAILURE_LIMIT == 5
    assert settings.LOGIN_LOCKOUT_SECONDS == 15 * 60


def test_the_first_four_failures_for_an_address_only_say_the_password_is_wrong(client, alice):
    for _attempt in range(4):
        response = log_in(client, "alice@example.com", "wrong")
        assert form_errors(response) == [INVALID_LOGIN]


def test_the_fifth_failure_for_an_address_pauses_sign_in_for_fifteen_minutes(client, alice):
    for _attempt in range(4):
        log_in(client, "alice@example.com", "wrong")

    response = log_in(client, "alice@example.com", "wrong")

    assert form_errors(response) == [LOCKED_15_MINUTES]


def test_sixth_login_for_a_locked_address_is_refused_even_with_the_right_password(
    client, alice, password
):
    for _attempt in range(5):
        log_in(client, "alice@example.com", "wrong")

    response = log_in(client, "alice@example.com", password)

    assert response.status_code == 200
    assert form_errors(response) == [LOCKED_15_MINUTES]
    assert signed_in_user(client).is_authenticated is False


def test_the_account_lockout_follows_the_address_in_any_case_and_from_any_client(
    client, alice, password
):
    for attempt in range(5):
        log_in(client, "alice@example.com", "wrong", address=f"198.51.100.{attempt}")

    response = log_in(client, " ALICE@example.com", password, address="192.0.2.99")

    assert form_errors(response) == [LOCKED_15_MINUTES]


def test_a_locked_address_does_not_lock_other_accounts(client, alice, bob, password):
    for _attempt in range(5):
        log_in(client, "alice@example.com", "wrong")

    response = log_in(client, "bob@example.com", password)

    assert response["Location"] == "/offers/"
    assert signed_in_user(client) == bob


def test_the_pause_counts_down_in_whole_minutes_rounded_up(client, alice, password, clock):
    for _attempt in range(5):
        log_in(client, "alice@example.com", "wrong")

    clock.advance(10 * 60 + 1)
    assert form_errors(log_in(client, "alice@example.com", password)) == [locked_out(5)]
    clock.advance(4 * 60 + 30)
    assert form_errors(log_in(client, "alice@example.com", password)) == [
        "Too many failed sign-in attempts. Sign-in is paused; "
        "try again in 1 minute, or reset your password."
    ]


def test_login_works_again_once_the_pause_is_over(client, alice, password, clock):
    for _attempt in range(5):
        log_in(client, "alice@example.com", "wrong")

    clock.advance(15 * 60 - 1)
    assert form_errors(log_in(client, "alice@example.com", password)) == [locked_out(1)]
    clock.advance(1)
    response = log_in(client, "alice@example.com", password)

    assert response["Location"] == "/offers/"
    assert signed_in_user(client) == alice


def test_after_the_pause_the_address_has_its_full_five_tries_again(client, alice, clock):
    for _attempt in range(5):
        log_in(client, "alice@example.com", "wrong")
    clock.advance(15 * 60)

    responses = [log_in(client, "alice@example.com", "wrong") for _attempt in range(5)]

    assert [form_errors(r) for r in responses] == [[INVALID_LOGIN]] * 4 + [[LOCKED_15_MINUTES]]


def test_a_successful_login_clears_the_failure_count_of_the_account(client, alice, password):
    for _attempt in range(4):
        log_in(client, "alice@example.com", "wrong")
    assert log_in(client, "alice@example.com", password)["Location"] == "/offers/"
    client.post(LOGOUT_URL)

    responses = [log_in(client, "alice@example.com", "wrong") for _attempt in range(5)]

    assert [form_errors(r) for r in responses] == [[INVALID_LOGIN]] * 4 + [[LOCKED_15_MINUTES]]


def test_attempts_while_paused_do_not_extend_the_pause(client, alice, password, clock):
    for _attempt in range(5):
        log_in(client, "alice@example.com", "wrong")

    clock.advance(10 * 60)
    log_in(client, "alice@example.com", "wrong")
    clock.advance(5 * 60)

    assert log_in(client, "alice@example.com", password)["Location"] == "/offers/"


# The client-address limit: four times the account limit, for one REMOTE_ADDR.


def test_a_client_trying_many_addresses_is_paused_after_twenty_failures(client, alice, password):
    responses = [
        log_in(client, f"guess{n}@example.com", "wrong", address=OFFICE) for n in range(20)
    ]
    assert [form_errors(r) for r in responses] == [[INVALID_LOGIN]] * 19 + [[LOCKED_15_MINUTES]]

    response = log_in(client, "alice@example.com", password, address=OFFICE)

    assert form_errors(response) == [LOCKED_15_MINUTES]
    assert signed_in_user(client).is_authenticated is False


def test_the_client_address_lockout_does_not_reach_other_clients(client, alice, password):
    for n in range(20):
        log_in(client, f"guess{n}@example.com", "wrong", address=OFFICE)

    response = log_in(client, "alice@example.com", password, address="192.0.2.10")

    assert response["Location"] == "/offers/"


def test_the_client_address_is_read_from_remote_addr_not_from_forwarded_headers(
    client, alice, password
):
    for n in range(20):
        client.post(
            LOGIN_URL,
            {"username": f"guess{n}@example.com", "password": "wrong"},
            REMOTE_ADDR=OFFICE,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )

    response = client.post(
        LOGIN_URL,
        {"username": "alice@example.com", "password": password},
        REMOTE_ADDR=OFFICE,
        HTTP_X_FORWARDED_FOR="192.0.2.200",
    )

    assert form_errors(response) == [LOCKED_15_MINUTES]


def test_a_good_login_does_not_reset_the_client_address_count(client, bob, password):
    for n in range(19):
        log_in(client, f"guess{n}@example.com", "wrong")
    assert log_in(client, "bob@example.com", password)["Location"] == "/offers/"
    client.post(LOGOUT_URL)

    response = log_in(client, "guess-last@example.com", "wrong")

    assert form_errors(response) == [LOCKED_15_MINUTES]


# Logging out.


def test_log_out_is_a_post_that_signs_out_and_returns_home(alice_client):
    response = alice_client.post(LOGOUT_URL)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_user(alice_client).is_authenticated is False


def test_log_out_by_get_is_not_allowed_and_keeps_the_user_signed_in(alice_client, alice):
    response = alice_client.get(LOGOUT_URL)

    assert response.status_code == 405
    assert signed_in_user(alice_client) == alice


def test_the_page_header_logs_out_with_a_post_form(alice_client):
    html = alice_client.get("/offers/").content.decode()

    assert '<form method="post" action="/accounts/logout/" class="inline-form">' in html


def test_a_failure_count_that_expires_mid_update_starts_a_new_window(monkeypatch, rf):

    def expired_incr(key, delta=1):
        raise ValueError(f"Key '{key}' not found")

    monkeypatch.setattr(cache, "incr", expired_incr)
    services.record_failed_login("alice@example.com", rf.get("/"))

    assert cache.get("login:email:alice@example.com:count") == 1
