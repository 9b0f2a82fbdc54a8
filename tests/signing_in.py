"""Signing in as a person does, through django-allauth's pages: the password, then for an account
with an authenticator app its current code."""

import re

import pyotp

from tests.factories import PASSWORD, TOTP_SECRET

LOGIN_URL = "/accounts/login/"
SECOND_FACTOR_URL = "/accounts/2fa/authenticate/"
# allauth's codes by e-mail (to confirm an address, to sign in without the password): ABCD-EF12.
MAILED_CODE = re.compile(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", re.MULTILINE)


def totp_code(secret=TOTP_SECRET):
    """The code the authenticator app shows now. allauth takes each code once per account."""
    return pyotp.TOTP(secret).now()


def sign_in(client, email, password=PASSWORD, *, code=None, path=LOGIN_URL):
    """Returns the last response: a redirect to where the person was going once signed in."""
    response = client.post(path, {"login": email, "password": password})
    if response.get("Location") == SECOND_FACTOR_URL:
        response = client.post(SECOND_FACTOR_URL, {"code": code or totp_code()})
    return response


def mailed_code(message):
    """The one-time code in an e-mail from allauth."""
    return MAILED_CODE.search(message.body).group(1)
