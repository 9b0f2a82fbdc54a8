"""A script's view of the API: a client that sends an organisation's key, and its JSON."""

import json

from django.test import Client

from organisations import services
from tests.factories import organisation_of


def api(raw=None, language=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}
    if language:
        headers["HTTP_ACCEPT_LANGUAGE"] = language
    return Client(**headers)


def send(client, method, url, body=None, **headers):
    """A JSON request as a script sends it."""
    payload = json.dumps(body) if body is not None else None
    return getattr(client, method)(url, payload, content_type="application/json", **headers)


def key_of(user, scope="write", name="release script"):
    _key, raw = services.make_key(organisation_of(user), name, scope, made_by=user)
    return raw
