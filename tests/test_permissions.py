"""Who may open what, page by page: each role of the offer's organisation, the owner of
another organisation, a reviewer, an admin and an anonymous visitor, on one offer that is
waiting for a decision.

Outsiders to an offer get 404 (never a hint that it exists); a member whose role does not allow
an action gets 403; publishers get 403 on reviewers' and admins' pages; anonymous visitors are
sent to sign in. The detailed behaviour of each page is tested beside it; this table makes sure
no page was left open, also for a member removed a moment ago. tests/organisations/test_roles.py
has the wizard's steps, role by role.
"""

from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone

from organisations import services
from tests.factories import publisher
from webhooks import services as webhooks
from webhooks.models import Delivery

pytestmark = pytest.mark.django_db

OK, FORBIDDEN, NOT_FOUND, LOGIN = 200, 403, 404, "login"

# (method, url name) -> expected for anonymous, then Alice Apps' owner (Alice), manager,
# marketer and viewer, then Bob (the owner of another organisation), a reviewer, an admin.
# A successful POST redirects back to a page; "done" stands for that.
DONE = "done"
OUTSIDERS_404 = (NOT_FOUND, NOT_FOUND, NOT_FOUND)
NO_ORGANISATION = (NOT_FOUND, NOT_FOUND)  # reviewers and admins
EVERYONE = (OK,) * 7
PAGES = {
    ("get", "offers:list"): (LOGIN, *EVERYONE),
    ("get", "offers:new"): (LOGIN, OK, OK, FORBIDDEN, FORBIDDEN, OK, OK, OK),
    ("get", "offers:detail"): (LOGIN, OK, OK, OK, OK, *OUTSIDERS_404),
    # The status page's live region, which htmx asks again while the checks run.
    ("get", "offers:detail_live"): (LOGIN, OK, OK, OK, OK, *OUTSIDERS_404),
    ("get", "offers:logo"): (LOGIN, OK, OK, OK, OK, *OUTSIDERS_404),
    # Submitted: every member is sent to the status page, as nobody may change it now.
    ("get", "offers:wizard"): (LOGIN, DONE, DONE, DONE, DONE, *OUTSIDERS_404),
    ("post", "offers:withdraw"): (LOGIN, DONE, DONE, FORBIDDEN, FORBIDDEN, *OUTSIDERS_404),
    # The organisation a person works in; reviewers and admins belong to none.
    ("get", "organisations:detail"): (LOGIN, *EVERYONE),
    ("post", "organisations:switch"): (LOGIN, DONE, DONE, DONE, DONE, *OUTSIDERS_404),
    ("get", "organisations:members"): (LOGIN, OK, OK, OK, OK, OK, NOT_FOUND, NOT_FOUND),
    ("post", "organisations:invite"): (LOGIN, DONE, *(FORBIDDEN,) * 3, DONE, *NO_ORGANISATION),
    # On a viewer of Alice Apps: Bob's organisation is another, so he finds no such member.
    ("post", "organisations:change_role"): (LOGIN, DONE, *(FORBIDDEN,) * 3, *OUTSIDERS_404),
    ("post", "organisations:remove"): (LOGIN, DONE, *(FORBIDDEN,) * 3, *OUTSIDERS_404),
    ("post", "organisations:revoke_invitation"): (
        LOGIN,
        DONE,
        *(FORBIDDEN,) * 3,
        *OUTSIDERS_404,
    ),
    ("post", "organisations:email_choices"): (LOGIN, *(DONE,) * 5, *NO_ORGANISATION),
    ("get", "organisations:api_keys"): (LOGIN, OK, *(FORBIDDEN,) * 3, OK, *NO_ORGANISATION),
    ("post", "organisations:revoke_api_key"): (LOGIN, DONE, *(FORBIDDEN,) * 3, *OUTSIDERS_404),
    ("get", "organisations:webhooks"): (LOGIN, OK, *(FORBIDDEN,) * 3, OK, *NO_ORGANISATION),
    ("get", "organisations:webhook"): (LOGIN, OK, *(FORBIDDEN,) * 3, *OUTSIDERS_404),
    ("post", "organisations:delete_webhook"): (LOGIN, DONE, *(FORBIDDEN,) * 3, *OUTSIDERS_404),
    ("post", "organisations:send_webhook_again"): (
        LOGIN,
        DONE,
        *(FORBIDDEN,) * 3,
        *OUTSIDERS_404,
    ),
    # A link nobody was sent (tests/organisations/test_members.py follows real ones).
    ("get", "organisations:join"): (NOT_FOUND,) * 8,
    ("get", "review:dashboard"): (LOGIN, *(FORBIDDEN,) * 5, OK, OK),
    ("get", "review:export"): (LOGIN, *(FORBIDDEN,) * 5, OK, OK),
    ("get", "review:offer"): (LOGIN, *(FORBIDDEN,) * 5, OK, OK),
    ("get", "review:offer_live"): (LOGIN, *(FORBIDDEN,) * 5, OK, OK),
    ("get", "review:logo"): (LOGIN, *(FORBIDDEN,) * 5, OK, OK),
    ("get", "review:revision_logo"): (LOGIN, *(FORBIDDEN,) * 5, OK, OK),
    ("post", "review:assign"): (LOGIN, *(FORBIDDEN,) * 5, DONE, DONE),
    ("post", "review:unassign"): (LOGIN, *(FORBIDDEN,) * 5, DONE, DONE),
    ("post", "review:decide"): (LOGIN, *(FORBIDDEN,) * 5, DONE, DONE),
    ("post", "review:rerun_checks"): (LOGIN, *(FORBIDDEN,) * 5, DONE, DONE),
    # Bulk actions on the queue: the confirmation page, then the action confirmed.
    ("post", "review:bulk"): (LOGIN, *(FORBIDDEN,) * 5, OK, OK),
    ("post", "review:bulk_confirm"): (LOGIN, *(FORBIDDEN,) * 5, DONE, DONE),
    # Each person's own account: django-allauth's pages and ours. Nobody reaches another's.
    ("get", "accounts:profile"): (LOGIN, *EVERYONE),
    ("get", "account_change_password"): (LOGIN, *EVERYONE),
    ("get", "account_email"): (LOGIN, *EVERYONE),
    ("get", "mfa_index"): (LOGIN, *EVERYONE),
    ("get", "mfa_activate_totp"): (LOGIN, *(DONE,) * 7),  # password first, or set up
    ("get", "usersessions_list"): (LOGIN, *EVERYONE),
    ("get", "socialaccount_connections"): (LOGIN, *EVERYONE),
    # Signing in and up: for visitors; someone signed in is sent on to their offers.
    ("get", "account_login"): (OK, *(DONE,) * 7),
    ("get", "account_signup"): (OK, *(DONE,) * 7),
    ("get", "account_reset_password"): (OK, *EVERYONE),
    ("get", "account_request_login_code"): (OK, *(DONE,) * 7),
    # The orchestrator's probes: open to anyone, and they say nothing about any offer.
    ("get", "healthz"): (OK, *EVERYONE),
    ("get", "readyz"): (OK, *EVERYONE),
    ("get", "admin:offers_offer_changelist"): ("admin-login", *(FORBIDDEN,) * 6, OK),
    ("get", "admin:accounts_user_changelist"): ("admin-login", *(FORBIDDEN,) * 6, OK),
}
WHO = ("anonymous", "alice", "manager", "marketer", "viewer", "bob", "reviewer", "admin_user")
# A manager of Alice Apps removed a moment ago, in no organisation now: like any outsider,
# 404 on everything of Alice Apps; they may still found an organisation of their own.
REMOVED = {
    **{page: expected[2] for page, expected in PAGES.items()},  # the manager's, where the same
    **{
        page: NOT_FOUND
        for page in PAGES
        if page[1].startswith(("offers:", "organisations:"))
        and page[1] not in ("offers:list", "offers:new", "organisations:detail")
    },
    **{page: FORBIDDEN for page in PAGES if page[1].startswith("review:")},
}
CASES = [
    pytest.param(method, name, who, expected[index], id=f"{name}-{who}")
    for (method, name), expected in PAGES.items()
    for index, who in enumerate(WHO)
] + [
    pytest.param(method, name, "removed", REMOVED[method, name], id=f"{name}-removed")
    for method, name in PAGES
]


def _url(name, offer):
    if name in ("organisations:change_role", "organisations:remove"):
        target = publisher("target@example.com", organisation=offer.organisation, role="viewer")
        return reverse(name, kwargs={"pk": target.memberships.get().pk})
    if name == "organisations:revoke_invitation":
        invitation = services.invite(
            offer.organisation, "erin@example.com", "viewer", invited_by=None
        )
        return reverse(name, kwargs={"pk": invitation.pk})
    if name == "organisations:revoke_api_key":
        key, _raw = services.make_key(offer.organisation, "ci", "read", made_by=None)
        return reverse(name, kwargs={"pk": key.pk})
    if name in WEBHOOK_PAGES:
        return _webhook_url(name, offer)
    if name == "organisations:join":
        return reverse(name, kwargs={"token": "not-a-token-anyone-was-sent"})
    kwargs = {
        "offers:logo": {"pk": offer.pk, "slot": "40x40"},
        "review:logo": {"pk": offer.pk, "slot": "40x40"},
        "review:revision_logo": {"pk": offer.pk, "number": 1, "slot": "40x40"},
        "offers:wizard": {"pk": offer.pk, "step": "technical"},
    }.get(name, {"pk": offer.pk})
    if name in (
        "review:dashboard",
        "review:export",
        "review:bulk",
        "review:bulk_confirm",
        "offers:list",
        "offers:new",
        "healthz",
        "readyz",
    ):
        kwargs = {}
    if not name.startswith(("offers:", "review:")):
        kwargs = {}
    return reverse(name, kwargs=kwargs)


WEBHOOK_PAGES = (
    "organisations:webhook",
    "organisations:delete_webhook",
    "organisations:send_webhook_again",
)


def _webhook_url(name, offer):
    """An endpoint of the offer's organisation, with one delivery in its log."""
    endpoint, _secret = webhooks.register(
        offer.organisation, "https://hooks.example.com/", ["offer.approved"], created_by=None
    )
    if name != "organisations:send_webhook_again":
        return reverse(name, kwargs={"pk": endpoint.pk})
    sent = Delivery.objects.create(
        endpoint=endpoint,
        message_id="msg_1",
        event_type="offer.approved",
        payload={},
        status="delivered",
        due_at=timezone.now(),
    )
    return reverse(name, kwargs={"pk": endpoint.pk, "delivery": sent.pk})


def _posted(name, offer):
    if name == "organisations:switch":
        return {"organisation": offer.organisation_id}
    if name == "organisations:invite":
        return {"email": "erin@example.com", "role": "viewer"}
    if name == "organisations:change_role":
        return {"role": "marketer"}
    if name in ("review:bulk", "review:bulk_confirm"):
        return {"offers": offer.pk, "action": "rerun"}
    return POSTS.get(name, {})


POSTS = {
    "offers:withdraw": {"confirm": "on"},
    "review:decide": {
        "decision": "changes_requested",
        "verdict_uptime": "not_met",
        "comment_uptime": "Show us the SLA page.",
    },
}


@pytest.mark.parametrize(("method", "name", "who", "expected"), CASES)
def test_each_page_answers_each_kind_of_visitor_as_the_table_says(
    client, in_review, method, name, who, expected, request
):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    url = _url(name, in_review)

    response = getattr(client, method)(url, _posted(name, in_review))

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
