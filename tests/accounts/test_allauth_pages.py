"""Every page django-allauth adds under /accounts/ opens, in every language, for a visitor, a
publisher and a reviewer, inside the portal's layout: no template of ours or theirs is missing
a piece (a missing template library is a server error on that page alone)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.signing_in import sign_in

pytestmark = pytest.mark.django_db


def _paths(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _paths(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and not pattern.pattern.converters:
            yield "/" + route.lstrip("^").rstrip("$")


def allauth_pages():
    return sorted(
        path
        for path in _paths(get_resolver().url_patterns)
        if path.startswith("/accounts/") and "(?P<" not in path
    )


def test_allauth_pages_are_found():
    pages = allauth_pages()

    assert {"/accounts/login/", "/accounts/signup/", "/accounts/2fa/", "/accounts/sessions/"} <= (
        set(pages)
    )


@pytest.mark.parametrize("language", ["en", "nl", "zh-hant"])
@pytest.mark.parametrize("who", ["anonymous", "alice", "reviewer"])
def test_every_allauth_page_answers_without_an_error(client, who, language, request):
    if who != "anonymous":
        person = request.getfixturevalue(who)
        sign_in(client, person.email)
    client.cookies["django_language"] = language

    answers = {path: client.get(path).status_code for path in allauth_pages()}

    assert {path: status for path, status in answers.items() if status >= 500} == {}
    assert answers["/accounts/login/"] in (200, 302)


@pytest.mark.parametrize(
    ("language", "words"),
    [("nl", ["Aanmelden", "Stuur een aanmeldcode"]), ("zh-hant", ["登入", "寄給我登入代碼"])],
)
def test_the_sign_in_page_speaks_the_visitors_language(client, language, words):
    client.cookies["django_language"] = language

    page = client.get("/accounts/login/").text

    assert f'<html lang="{language}"' in page
    assert all(word in page for word in words)
    assert "Send me a sign-in code" not in page
