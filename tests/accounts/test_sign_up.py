"""Signing up: anyone may become a publisher, never staff, and is signed in at once."""

import pytest
from django.contrib import auth
from django.contrib.messages import get_messages

from accounts import services
from accounts.models import Role, User

pytestmark = pytest.mark.django_db

SIGN_UP_URL = "/accounts/sign-up/"
NEW_PASSWORD = "Plum-orchard-lantern-42"


def sign_up(client, email="carol@example.com", password=NEW_PASSWORD, confirmation=None):
    return client.post(
        SIGN_UP_URL,
        {
            "email": email,
            "password1": password,
            "password2": password if confirmation is None else confirmation,
        },
    )


def test_the_sign_up_page_asks_for_an_email_address_and_the_password_twice(client):
    response = client.get(SIGN_UP_URL)

    assert response.status_code == 200
    assert list(response.context["form"].fields) == ["email", "password1", "password2"]
    assert response.context["form"].fields["email"].label == "E-mail address"


def test_sign_up_creates_a_publisher_who_is_not_staff_and_is_signed_in(client):
    response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == "/offers/"
    user = User.objects.get()
    assert user.email == "carol@example.com"
    assert user.role == Role.PUBLISHER
    assert user.is_staff is False
    assert user.is_superuser is False
    assert user.is_active is True
    assert user.check_password(NEW_PASSWORD)
    assert auth.get_user(client).pk == user.pk


def test_sign_up_welcomes_the_new_publisher_on_their_offer_list(client):
    response = client.post(
        SIGN_UP_URL,
        {"email": "carol@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )

    assert response.redirect_chain == [("/offers/", 302)]
    assert response.status_code == 200
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Welcome to Offer Desk. Start your first offer below."
    ]


def test_sign_up_stores_the_email_address_in_lowercase(client):
    sign_up(client, email="  Carol.Jones@Example.COM ")

    assert list(User.objects.values_list("email", flat=True)) == ["carol.jones@example.com"]


def test_sign_up_cannot_ask_for_a_role_or_staff_rights(client):
    client.post(
        SIGN_UP_URL,
        {
            "email": "mallory@example.com",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "role": "admin",
            "is_staff": "on",
            "is_superuser": "on",
        },
    )

    user = User.objects.get(email="mallory@example.com")
    assert (user.role, user.is_staff, user.is_superuser) == (Role.PUBLISHER, False, False)


DUPLICATE = (
    "An account with this e-mail address already exists. Log in, or reset the password if you "
    "have forgotten it."
)


@pytest.mark.parametrize("email", ["alice@example.com", "ALICE@Example.com", " Alice@example.com"])
def test_sign_up_with_an_address_already_in_use_in_any_case_is_refused_on_the_email_field(
    client, alice, email
):
    response = sign_up(client, email=email)

    assert response.status_code == 200
    assert response.context["form"].errors == {"email": [DUPLICATE]}
    assert User.objects.count() == 1
    assert auth.get_user(client).is_authenticated is False


# Django's validators report on the confirmation field, which is where BaseUserCreationForm
# puts every password-policy error.
@pytest.mark.parametrize(
    ("password", "errors"),
    [
        ("Zq7!", ["This password is too short. It must contain at least 8 characters."]),
        ("password123", ["This password is too common."]),
        ("4815162342", ["This password is too common.", "This password is entirely numeric."]),
        ("90817263544536", ["This password is entirely numeric."]),
        ("carol.jones@example", ["The password is too similar to the e-mail address."]),
    ],
)
def test_a_weak_password_is_refused_by_djangos_validators_with_the_reason(client, password, errors):
    response = sign_up(client, email="carol.jones@example.com", password=password)

    assert response.status_code == 200
    assert response.context["form"].errors == {"password2": errors}
    assert User.objects.exists() is False


def test_the_password_error_is_shown_next_to_the_password_field(client):
    response = sign_up(client, password="password123")

    html = response.content.decode()
    assert (
        '<ul class="errorlist" id="id_password2_error"><li>This password is too common.</li>'
        in html
    )


def test_two_different_passwords_are_refused_on_the_confirmation(client):
    response = sign_up(client, confirmation="Another-orchard-lantern-42")

    assert response.context["form"].errors == {
        "password2": ["The two password fields didn’t match."]
    }
    assert User.objects.exists() is False


def test_an_email_address_that_is_not_one_is_refused(client):
    response = sign_up(client, email="carol-at-example.com")

    assert response.context["form"].errors == {"email": ["Enter a valid email address."]}


def test_a_signed_in_user_visiting_sign_up_is_sent_to_their_offers(client, alice):
    client.force_login(alice)

    assert client.get(SIGN_UP_URL)["Location"] == "/offers/"
    response = sign_up(client, email="someone-else@example.com")
    assert response["Location"] == "/offers/"
    assert User.objects.count() == 1


def test_two_sign_ups_for_one_address_at_the_same_moment_give_the_form_error(client, monkeypatch):

    real_sign_up = services.sign_up

    def someone_else_got_there_first(*, email, password, language):
        User.objects.create_user(email=email, password=password)
        return real_sign_up(email=email, password=password, language=language)

    monkeypatch.setattr(services, "sign_up", someone_else_got_there_first)
    response = client.post(
        "/accounts/sign-up/",
        {
            "email": "race@example.com",
            "password1": "a-Very-good-pass-77",
            "password2": "a-Very-good-pass-77",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "An account with this e-mail address already exists. Log in, or reset the password "
        "if you have forgotten it."
    ]


def test_sign_up_remembers_the_language_the_page_was_in_for_the_publishers_e_mails(client):
    client.post(
        SIGN_UP_URL,
        {"email": "carol@example.com", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        headers={"accept-language": "nl"},
    )

    assert User.objects.get().language == "nl"


def test_sign_up_in_the_default_language_records_it(client):
    sign_up(client)

    assert User.objects.get().language == "en"
