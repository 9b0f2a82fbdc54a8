"""The portal's language: the browser's at first, then the one chosen, kept on the account."""

import pytest
from django.test import Client

from accounts.models import User

pytestmark = pytest.mark.django_db


def _page_language(client, **headers):
    response = client.get("/accounts/login/", headers=headers)
    return response.headers["Content-Language"]


def test_a_visitor_first_gets_the_language_their_browser_asks_for(client):
    assert _page_language(client, accept_language="nl-NL,nl;q=0.9,en;q=0.5") == "nl"
    assert _page_language(client, accept_language="zh-TW,zh;q=0.9") == "zh-hant"
    assert _page_language(client, accept_language="fr") == "en"


def test_a_chosen_language_is_kept_on_the_account_and_follows_it_to_another_device(alice):
    laptop = Client()
    laptop.force_login(alice)

    response = laptop.post("/i18n/setlang/", {"language": "zh-hant", "next": "/offers/"})

    assert (response.status_code, response["Location"]) == (302, "/offers/")
    alice.refresh_from_db()
    assert alice.language == "zh-hant"
    phone = Client()
    phone.force_login(User.objects.get(pk=alice.pk))
    assert phone.get("/offers/", headers={"accept_language": "nl"})["Content-Language"] == (
        "zh-hant"
    )


def test_a_language_the_portal_does_not_offer_is_not_saved(alice_client, alice):
    alice_client.post("/i18n/setlang/", {"language": "fr", "next": "/offers/"})

    alice.refresh_from_db()
    assert alice.language == ""


def test_an_anonymous_choice_lives_in_a_cookie_and_is_the_sign_up_language(client, password):
    client.post("/i18n/setlang/", {"language": "nl", "next": "/"})

    client.post(
        "/accounts/signup/",
        {"email": "nieuw@example.nl", "password1": password, "password2": password},
    )

    assert User.objects.get(email="nieuw@example.nl").language == "nl"
