"""Who may open what, page by page: the owner, another publisher, a reviewer, an admin and an
anonymous visitor, on one offer that is waiting for a decision.

Outsiders to an offer get 404 (never a hint that it exists); publishers get 403 on reviewers'
and admins' pages; anonymous visitors are sent to sign in. The detailed behaviour of each page
is tested beside it; this table makes sure no page was left open.
"""

from urllib.parse import unquote

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, NOT_FOUND, LOGIN = 200, 403, 404, "login"

# (method, url name, kwargs) -> expected for anonymous, owner, bob, reviewer, admin.
# A successful POST redirects back to a page; "done" stands for that.
DONE = "done"
PAGES = {
    ("get", "offers:detail"): (LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ("get", "offers:logo"): (LOGIN, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ("get", "offers:wizard"): (LOGIN, DONE, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ("post", "offers:withdraw"): (LOGIN, DONE, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    ("get", "review:dashboard"): (LOGIN, FORBIDDEN, FORBIDDEN, OK, OK),
    ("get", "review:offer"): (LOGIN, FORBIDDEN, FORBIDDEN, OK, OK),
    ("get", "review:logo"): (LOGIN, FORBIDDEN, FORBIDDEN, OK, OK),
    ("post", "review:assign"): (LOGIN, FORBIDDEN, FORBIDDEN, DONE, DONE),
    ("post", "review:decide"): (LOGIN, FORBIDDEN, FORBIDDEN, DONE, DONE),
    ("post", "review:rerun_checks"): (LOGIN, FORBIDDEN, FORBIDDEN, DONE, DONE),
    # Each person's own account: django-allauth's pages and ours. Nobody reaches another's.
    ("get", "accounts:profile"): (LOGIN, OK, OK, OK, OK),
    ("get", "account_change_password"): (LOGIN, OK, OK, OK, OK),
    ("get", "account_email"): (LOGIN, OK, OK, OK, OK),
    ("get", "mfa_index"): (LOGIN, OK, OK, OK, OK),
    ("get", "mfa_activate_totp"): (LOGIN, DONE, DONE, DONE, DONE),  # password first, or set up
    ("get", "usersessions_list"): (LOGIN, OK, OK, OK, OK),
    ("get", "socialaccount_connections"): (LOGIN, OK, OK, OK, OK),
    # Signing in and up: for visitors; someone signed in is sent on to their offers.
    ("get", "account_login"): (OK, DONE, DONE, DONE, DONE),
    ("get", "account_signup"): (OK, DONE, DONE, DONE, DONE),
    ("get", "account_reset_password"): (OK, OK, OK, OK, OK),
    ("get", "account_request_login_code"): (OK, DONE, DONE, DONE, DONE),
    # The orchestrator's probes: open to anyone, and they say nothing about any offer.
    ("get", "healthz"): (OK, OK, OK, OK, OK),
    ("get", "readyz"): (OK, OK, OK, OK, OK),
    ("get", "admin:offers_offer_changelist"): ("admin-login", FORBIDDEN, FORBIDDEN, FORBIDDEN, OK),
    ("get", "admin:accounts_user_changelist"): (
        "admin-login",
        FORBIDDEN,
        FORBIDDEN,
        FORBIDDEN,
        OK,
    ),
}
WHO = ("anonymous", "alice", "bob", "reviewer", "admin_user")
CASES = [
    pytest.param(method, name, who, expected[index], id=f"{name}-{who}")
    for (method, name), expected in PAGES.items()
    for index, who in enumerate(WHO)
]


def _url(name, offer):
    kwargs = {
        "offers:logo": {"pk": offer.pk, "slot": "40x40"},
        "review:logo": {"pk": offer.pk, "slot": "40x40"},
        "offers:wizard": {"pk": offer.pk, "step": "technical"},
    }.get(name, {"pk": offer.pk})
    if name in ("review:dashboard", "healthz", "readyz") or not name.startswith(
        ("offers:", "review:")
    ):
        kwargs = {}
    return reverse(name, kwargs=kwargs)


POSTS = {
    "offers:withdraw": {"confirm": "on"},
    "review:decide": {
        "decision": "changes_requested",
        "reasons-TOTAL_FORMS": "1",
        "reasons-INITIAL_FORMS": "0",
        "reasons-0-requirement": "uptime",
        "reasons-0-comment": "Show us the SLA page.",
    },
}


@pytest.mark.parametrize(("method", "name", "who", "expected"), CASES)
def test_each_page_answers_each_kind_of_visitor_as_the_table_says(
    client, in_review, method, name, who, expected, request
):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    url = _url(name, in_review)

    response = getattr(client, method)(url, POSTS.get(name, {}))

    if expected == LOGIN:
        assert (response.status_code, unquote(response["Location"])) == (
            302,
            f"{reverse('account_login')}?next={url}",
        )
    elif expected == "admin-login":
        assert (response.status_code, response["Location"]) == (
            302,
            f"{reverse('admin:login')}?next={url}",
        )
    elif expected == DONE:
        assert response.status_code == 302
        assert "login" not in response["Location"]
    else:
        assert response.status_code == expected
