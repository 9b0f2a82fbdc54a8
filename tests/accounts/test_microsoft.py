"""Sign in with Microsoft (Entra ID, through django-allauth's provider), against a fake of
Microsoft's token and Graph endpoints on 127.0.0.1: the network faked only at its edge."""

import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib import auth
from django.test import Client

from accounts.models import Role, User
from tests.signing_in import mailed_code, sign_in

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/microsoft/login/"
CALLBACK_URL = "/accounts/microsoft/login/callback/"
MIA = {
    "id": "00000000-0000-0000-0000-00000000a11a",
    "mail": "Mia@Contoso.com",
    "userPrincipalName": "mia@contoso.com",
    "givenName": "Mia",
    "surname": "Jansen",
}


@contextmanager
def fake_microsoft(person):
    """Microsoft's token endpoint (any code gets a token) and Graph's /me (`person`, or an error
    when `person` is None). Yields the base URL and the requests it received."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            received.append(("POST", self.path, parse_qs(body)))
            self._json(200, {"access_token": "token-1", "token_type": "Bearer", "expires_in": 3600})

        def do_GET(self):
            received.append(("GET", self.path, self.headers["Authorization"]))
            if person is None:
                self._json(401, {"error": {"message": "Access token has expired."}})
            else:
                self._json(200, person)

        def _json(self, status, data):
            body = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()


def registered(settings, base_url="https://login.microsoftonline.com"):
    """The portal registered in Entra ID, as MICROSOFT_CLIENT_ID/SECRET make it."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "microsoft": {
            "APPS": [
                {
                    "client_id": "portal-client-id",
                    "secret": "portal-secret",
                    "settings": {
                        "tenant": "organizations",
                        "login_url": base_url,
                        "graph_url": base_url,
                    },
                }
            ]
        }
    }


def start(client, process="login"):
    """The button: allauth asks to confirm on GET, then sends the browser to Microsoft."""
    response = client.post(f"{LOGIN_URL}?process={process}")
    assert response.status_code == 302
    return urlsplit(response["Location"])


def come_back(client, authorize, follow=False, **extra):
    state = parse_qs(authorize.query)["state"][0]
    return client.get(CALLBACK_URL, {"code": "code-1", "state": state, **extra}, follow=follow)


def test_without_a_registration_there_is_no_microsoft_button(client):
    assert "Microsoft" not in client.get("/accounts/login/").text
    assert client.get(LOGIN_URL).status_code == 404


def test_with_a_registration_the_sign_in_page_offers_microsoft(client, settings):
    registered(settings)

    page = client.get("/accounts/login/").text

    assert f'href="{LOGIN_URL}?process=login"' in page
    assert ">Microsoft</a>" in page


def test_the_button_sends_the_browser_to_microsoft_for_a_work_account(client, settings):
    registered(settings)

    authorize = start(client)

    assert (authorize.scheme, authorize.netloc, authorize.path) == (
        "https",
        "login.microsoftonline.com",
        "/organizations/oauth2/v2.0/authorize",
    )
    query = parse_qs(authorize.query)
    assert query["client_id"] == ["portal-client-id"]
    assert query["redirect_uri"] == [f"http://testserver{CALLBACK_URL}"]
    assert query["scope"] == ["User.Read"]
    assert query["response_type"] == ["code"]
    assert len(query["state"][0]) >= 12


def test_a_newcomer_from_microsoft_confirms_the_address_then_is_a_publisher(
    client, settings, mailoutbox
):
    with fake_microsoft(MIA) as (base_url, received):
        registered(settings, base_url)
        response = come_back(client, start(client))

    assert [(method, path.split("?")[0]) for method, path, _ in received] == [
        ("POST", "/organizations/oauth2/v2.0/token"),
        ("GET", "/v1.0/me"),
    ]
    assert received[0][2]["code"] == ["code-1"]
    assert received[1][2] == "Bearer token-1"
    # Microsoft's address is not proof for us: the same code as any sign-up.
    assert response["Location"] == "/accounts/confirm-email/"
    mia = User.objects.get()
    assert (mia.email, mia.first_name, mia.role) == ("mia@contoso.com", "Mia", Role.PUBLISHER)
    code = mailed_code(mailoutbox[0])
    assert client.post("/accounts/confirm-email/", {"code": code})["Location"] == "/offers/"
    assert auth.get_user(client) == mia


def test_an_address_that_has_an_account_is_not_taken_over_by_microsoft(
    client, settings, alice, mailoutbox
):
    with fake_microsoft({**MIA, "mail": "alice@example.com"}) as (base_url, _):
        registered(settings, base_url)
        response = come_back(client, start(client))

    assert auth.get_user(client).is_authenticated is False
    assert SocialAccount.objects.exists() is False
    assert User.objects.count() == 1
    # As a sign-up with a taken address: nothing tells the visitor; the owner is told.
    assert response["Location"] == "/accounts/confirm-email/"
    assert [message.to for message in mailoutbox] == [["alice@example.com"]]
    assert "already exists" in mailoutbox[0].body


def test_a_signed_in_publisher_connects_microsoft_and_then_signs_in_with_it(settings, alice):
    browser = Client()
    sign_in(browser, "alice@example.com")
    with fake_microsoft(MIA) as (base_url, _):
        registered(settings, base_url)
        browser.post("/accounts/reauthenticate/", {"password": "correct-Horse-battery-9"})
        response = come_back(browser, start(browser, process="connect"))
        assert response["Location"] == "/accounts/3rdparty/"
        assert SocialAccount.objects.get().user == alice

        later = Client()
        response = come_back(later, start(later))

    assert response["Location"] == "/offers/"
    assert auth.get_user(later) == alice


def test_refusing_at_microsoft_comes_back_to_a_page_that_says_so(client, settings):
    registered(settings)

    response = come_back(client, start(client), error="access_denied", follow=True)

    assert response.status_code == 200
    assert "Login Cancelled" in response.text
    assert auth.get_user(client).is_authenticated is False


@pytest.mark.parametrize("answer", ["graph error", "forged state"])
def test_a_failed_microsoft_sign_in_says_so_and_signs_nobody_in(client, settings, answer):
    with fake_microsoft(None if answer == "graph error" else MIA) as (base_url, _):
        registered(settings, base_url)
        authorize = start(client)
        if answer == "forged state":
            response = client.get(CALLBACK_URL, {"code": "code-1", "state": "forged"})
        else:
            response = come_back(client, authorize)

    assert response.status_code == 401
    assert "Third-Party Login Failure" in response.text
    assert auth.get_user(client).is_authenticated is False
    assert User.objects.exists() is False
