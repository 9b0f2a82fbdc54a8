"""Bulk actions on the reviewers' queue: tick offers, choose to assign them or to run their
checks again, see every offer and what will happen to it, confirm; then back to the queue as it
was filtered, told what was done and what was not, and why."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from offers import services
from offers.models import Check, CheckStatus, EventKind, Offer, OfferEvent, OfferStatus
from review.bulk import MAX_OFFERS
from tests.factories import MembershipFactory, OfferFactory, UserFactory, submitted_offer

pytestmark = pytest.mark.django_db

QUEUE = reverse("review:dashboard")
CONFIRMATION = reverse("review:bulk")
CONFIRM = reverse("review:bulk_confirm")
FILTERS = "state=all&q=route&sort=-app_name"


@pytest.fixture
def erin(db):
    """Another reviewer, to whom offers are assigned."""
    return UserFactory(email="erin@example.com", role=Role.REVIEWER)


@pytest.fixture
def three(alice):
    """Two offers waiting for a reviewer and one already approved, in the queue's order."""
    return [
        submitted_offer(alice, app_name="Route Planner"),
        submitted_offer(alice, app_name="Route Optimiser", status=OfferStatus.CHANGES_NEEDED),
        submitted_offer(alice, app_name="Route Archive", status=OfferStatus.APPROVED),
    ]


def posted(offers, action, reviewer=None, back=FILTERS):
    """What the queue's bulk form, or the confirmation's, posts."""
    data = {"offers": [offer.pk for offer in offers], "action": action, "back": back}
    if reviewer is not None:
        data["reviewer"] = reviewer.pk
    return data


def outcomes(response):
    """Each row of the confirmation: app name, state, its reviewer, applies, what happens."""
    assert response.status_code == 200
    return [
        (
            outcome.offer.app_name,
            outcome.offer.status,
            outcome.offer.assigned_to.email if outcome.offer.assigned_to else None,
            outcome.applies,
            outcome.says,
        )
        for outcome in response.context["outcomes"]
    ]


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def assignees(offers):
    rows = Offer.objects.filter(pk__in=[offer.pk for offer in offers])
    return dict(rows.values_list("app_name", "assigned_to__email"))


# --- the queue ---------------------------------------------------------------------------


def test_each_row_of_the_queue_has_a_box_named_after_its_offer_in_the_bulk_form(
    reviewer_client, in_review
):
    html = reviewer_client.get(QUEUE).content.decode()

    assert (
        f'<td class="queue-table__select"><input type="checkbox" name="offers" '
        f'value="{in_review.pk}" id="select-{in_review.pk}" form="bulk-form">'
        f'<label for="select-{in_review.pk}" class="visually-hidden">'
        f"Select {in_review.app_name}</label></td>"
    ) in html
    assert f'<form method="post" action="{CONFIRMATION}" id="bulk-form"' in html


def test_the_bulk_form_carries_the_queues_filters_and_offers_every_active_reviewer(
    reviewer_client, in_review, erin, admin_user, alice
):
    UserFactory(email="gone@example.com", role=Role.REVIEWER, is_active=False)

    response = reviewer_client.get(QUEUE, {"state": "all", "q": "contoso"})

    form = response.context["bulk_form"]
    assert form["back"].value() == "state=all&q=contoso"
    assert [choice.email for choice in form.fields["reviewer"].queryset] == [
        "carol@example.com",
        "dave@example.com",
        "erin@example.com",
    ]
    # The reviewer looking is chosen until they choose another.
    assert form["reviewer"].value() == response.wsgi_request.user.pk


def test_drafts_are_not_offered_as_rows_so_they_cannot_be_ticked(reviewer_client, alice):
    OfferFactory(owner=alice, app_name="Still a draft", with_logos=False)

    html = reviewer_client.get(QUEUE).content.decode()

    assert 'name="offers"' not in html


# --- the confirmation --------------------------------------------------------------------


def test_the_confirmation_lists_every_offer_selected_with_why_one_cannot_be_assigned(
    reviewer_client, three, erin
):
    response = reviewer_client.post(CONFIRMATION, posted(three, "assign", erin))

    assert outcomes(response) == [
        ("Route Planner", "in_review", None, True, "Will be assigned to erin@example.com."),
        ("Route Optimiser", "changes_needed", None, True, "Will be assigned to erin@example.com."),
        (
            "Route Archive",
            "approved",
            None,
            False,
            "Only an offer still under way can be assigned; it is “Approved”.",
        ),
    ]
    html = response.content.decode()
    assert "<h1>Assign the selected offers to erin@example.com?</h1>" in html
    assert "2 offers will change when you confirm; nothing has changed yet." in html
    assert (
        '<td class="bulk-outcome bulk-outcome--left"><strong>Left as it is.</strong> '
        "Only an offer still under way can be assigned; it is “Approved”.</td>"
    ) in html
    assert f'action="{CONFIRM}"' in html
    assert OfferEvent.objects.count() == 0
    assert set(assignees(three).values()) == {None}


def test_a_reviewer_of_the_offers_organisation_cannot_take_it_and_the_page_says_so(
    reviewer_client, three, alice, erin
):
    MembershipFactory(user=erin, organisation=three[0].organisation, role="viewer")

    response = reviewer_client.post(CONFIRMATION, posted(three[:1], "assign", erin))

    assert outcomes(response) == [
        (
            "Route Planner",
            "in_review",
            None,
            False,
            "erin@example.com belongs to the organisation of this offer, so another reviewer "
            "must take it on.",
        )
    ]
    html = response.content.decode()
    assert "None of the selected offers would change." in html
    assert ">Confirm</button>" not in html


def test_an_offer_the_reviewer_already_has_is_left_as_it_is(reviewer_client, in_review, erin):
    services.assign(in_review, reviewer=erin)

    response = reviewer_client.post(CONFIRMATION, posted([in_review], "assign", erin))

    assert outcomes(response) == [
        (
            in_review.app_name,
            "in_review",
            "erin@example.com",
            False,
            "Already assigned to erin@example.com: nothing changes.",
        )
    ]


def test_an_offer_selected_twice_is_listed_once(reviewer_client, in_review, erin):
    response = reviewer_client.post(CONFIRMATION, posted([in_review, in_review], "assign", erin))

    assert [row[0] for row in outcomes(response)] == [in_review.app_name]


def test_the_confirmation_of_running_the_checks_again_names_the_states_that_do_not_allow_it(
    reviewer_client, three
):
    response = reviewer_client.post(CONFIRMATION, posted(three, "rerun"))

    assert outcomes(response) == [
        ("Route Planner", "in_review", None, True, "The checks will run again."),
        ("Route Optimiser", "changes_needed", None, True, "The checks will run again."),
        (
            "Route Archive",
            "approved",
            None,
            False,
            "The checks cannot run again while the offer is “Approved”.",
        ),
    ]
    assert "<h1>Run the checks of the selected offers again?</h1>" in response.content.decode()
    assert Check.objects.filter(status=CheckStatus.PASSED).count() == 21


# --- confirming --------------------------------------------------------------------------


def test_confirming_assigns_the_offers_that_can_be_and_names_the_one_that_cannot(
    reviewer_client, reviewer, three, erin
):
    response = reviewer_client.post(CONFIRM, posted(three, "assign", erin))

    assert response["Location"] == f"{QUEUE}?{FILTERS}"
    assert messages_of(response) == [
        "2 offers are now assigned to erin@example.com.",
        "“Route Archive” was left as it was: Only an offer still under way can be assigned; "
        "it is “Approved”.",
    ]
    assert assignees(three) == {
        "Route Planner": "erin@example.com",
        "Route Optimiser": "erin@example.com",
        "Route Archive": None,
    }
    events = OfferEvent.objects.order_by("pk")
    assert [(e.offer.app_name, e.kind, e.actor, e.assignee) for e in events] == [
        ("Route Planner", EventKind.ASSIGNED, reviewer, erin),
        ("Route Optimiser", EventKind.ASSIGNED, reviewer, erin),
    ]


def test_confirming_counts_the_offers_the_reviewer_already_had(reviewer_client, alice, erin):
    had, new = submitted_offer(alice, app_name="Had"), submitted_offer(alice, app_name="New")
    services.assign(had, reviewer=erin)

    response = reviewer_client.post(CONFIRM, posted([had, new], "assign", erin))

    assert messages_of(response) == [
        "1 offer is now assigned to erin@example.com.",
        "1 offer was already assigned to erin@example.com.",
    ]
    assert OfferEvent.objects.filter(kind=EventKind.ASSIGNED).count() == 2


def test_confirming_runs_the_checks_again_where_the_state_allows_it(
    reviewer_client, reviewer, three, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = reviewer_client.post(CONFIRM, posted(three, "rerun"))

    assert response["Location"] == f"{QUEUE}?{FILTERS}"
    assert messages_of(response) == [
        "The checks are running again for 2 offers.",
        "“Route Archive” was left as it was: The checks cannot run again while the offer is "
        "“Approved”.",
    ]
    assert len(queued) == 2  # each offer's round is queued once its own transaction commits
    statuses = dict(Offer.objects.values_list("app_name", "status"))
    assert statuses == {
        "Route Planner": OfferStatus.VALIDATING,
        "Route Optimiser": OfferStatus.VALIDATING,
        "Route Archive": OfferStatus.APPROVED,
    }
    assert list(OfferEvent.objects.values_list("kind", "actor")) == [
        (EventKind.CHECKS_RERUN, reviewer.pk),
        (EventKind.CHECKS_RERUN, reviewer.pk),
    ]


def test_the_checks_of_an_offer_changed_since_submitting_do_not_run_again_and_it_is_named(
    reviewer_client, alice
):
    changed = submitted_offer(alice, app_name="Changed")
    Offer.objects.filter(pk=changed.pk).update(support_url="https://contoso.example/help")

    response = reviewer_client.post(CONFIRM, posted([changed], "rerun"))

    assert messages_of(response) == [
        "“Changed” was left as it was: The publisher has changed the offer since submitting "
        "it, so the checks run again when they submit it."
    ]
    assert Offer.objects.get(pk=changed.pk).status == OfferStatus.IN_REVIEW


def test_an_offer_decided_between_the_confirmation_and_confirming_is_left_and_named(
    reviewer_client, in_review, erin, admin_user
):
    page = reviewer_client.post(CONFIRMATION, posted([in_review], "assign", erin))
    services.decide(in_review, OfferStatus.APPROVED, reviewer=admin_user)

    response = reviewer_client.post(CONFIRM, posted([in_review], "assign", erin))

    assert outcomes(page)[0][3] is True
    assert messages_of(response) == [
        f"“{in_review.app_name}” was left as it was: Only an offer still under way can be "
        "assigned; it is “Approved”."
    ]
    assert assignees([in_review]) == {in_review.app_name: None}


# --- what is not a selection -------------------------------------------------------------


@pytest.mark.parametrize("url", [CONFIRMATION, CONFIRM])
@pytest.mark.parametrize("offers", [[], [""]])
def test_nothing_selected_goes_back_to_the_filtered_queue_and_says_what_to_do(
    reviewer_client, in_review, url, offers
):
    response = reviewer_client.post(url, posted([], "rerun") | {"offers": offers})

    assert response["Location"] == f"{QUEUE}?{FILTERS}"
    assert messages_of(response) == [
        "Select at least one offer first: tick the box at the start of its row."
    ]
    assert OfferEvent.objects.count() == 0


@pytest.mark.parametrize("action", ["", "delete"])
def test_no_action_chosen_goes_back_to_the_filtered_queue_and_says_what_to_do(
    reviewer_client, in_review, action
):
    response = reviewer_client.post(CONFIRMATION, posted([in_review], action))

    assert response["Location"] == f"{QUEUE}?{FILTERS}"
    assert messages_of(response) == [
        "Choose what to do with the selected offers: assign them or run their checks again."
    ]


def test_more_offers_than_the_limit_are_refused_with_the_limit_and_the_count(
    reviewer_client, in_review
):
    ids = list(range(1, MAX_OFFERS + 2))

    response = reviewer_client.post(CONFIRMATION, {"offers": ids, "action": "rerun"})

    assert response["Location"] == QUEUE
    assert messages_of(response) == ["Select at most 100 offers at a time; 101 were selected."]


@pytest.mark.parametrize("url", [CONFIRMATION, CONFIRM])
@pytest.mark.parametrize("bad", ["draft", "missing", "abc", "-1", "0", "99999999999999999999999"])
def test_a_draft_or_an_id_naming_no_offer_is_404_for_the_whole_selection(
    reviewer_client, in_review, draft, erin, url, bad
):
    other = {"draft": draft.pk, "missing": draft.pk + 1000}.get(bad, bad)

    response = reviewer_client.post(
        url, {"offers": [in_review.pk, other], "action": "assign", "reviewer": erin.pk}
    )

    assert response.status_code == 404
    assert OfferEvent.objects.count() == 0


@pytest.mark.parametrize("who", ["publisher", "inactive", "none", "abc", "99999999999999999999"])
def test_a_reviewer_who_cannot_take_offers_on_is_asked_again_on_the_confirmation(
    reviewer_client, in_review, alice, who
):
    chosen = {
        "publisher": alice.pk,
        "inactive": UserFactory(role=Role.REVIEWER, is_active=False).pk,
        "none": "",
    }.get(who, who)
    data = posted([in_review], "assign", reviewer=None) | {"reviewer": chosen}

    page = reviewer_client.post(CONFIRMATION, data)
    confirmed = reviewer_client.post(CONFIRM, data)

    expected = (
        "Choose the reviewer who takes the selected offers on."
        if who == "none"
        else "That person cannot take offers on (not an active reviewer): choose a reviewer "
        "from the list."
    )
    for response in (page, confirmed):
        assert response.status_code == 200
        assert response.context["form"].errors == {"reviewer": [expected]}
        html = response.content.decode()
        assert "<h1>Assign the selected offers?</h1>" in html
        assert f'action="{CONFIRMATION}"' in html
        assert ">Show what will happen</button>" in html
        assert ">Confirm</button>" not in html
    assert outcomes(page) == [(in_review.app_name, "in_review", None, False, "")]
    assert assignees([in_review]) == {in_review.app_name: None}


def test_running_the_checks_again_ignores_the_reviewer_posted_with_it(reviewer_client, in_review):
    response = reviewer_client.post(CONFIRMATION, posted([in_review], "rerun") | {"reviewer": "x"})

    assert response.context["form"].errors == {}
    assert outcomes(response)[0][3] is True


# --- the way back ------------------------------------------------------------------------


def test_back_to_the_queue_keeps_its_filters(reviewer_client, in_review, erin):
    response = reviewer_client.post(CONFIRMATION, posted([in_review], "assign", erin))

    html = response.content.decode()
    back = f'<a href="{QUEUE}?{FILTERS}" class="button button--secondary">Back to the queue</a>'
    assert back in html.replace("&amp;", "&")
    assert f'<input type="hidden" name="back" value="{FILTERS.replace("&", "&amp;")}">' in html


@pytest.mark.parametrize(
    ("back", "queue"),
    [
        ("", QUEUE),
        ("page=2&overdue=on&assigned=me", f"{QUEUE}?assigned=me&overdue=on&page=2"),
        ("next=https://evil.example/&q=x", f"{QUEUE}?q=x"),
        ("q=a&q=b", f"{QUEUE}?q=b"),
        ("//evil.example/", QUEUE),
        ("q=%0d%0aLocation:%20x", f"{QUEUE}?q=%0D%0ALocation%3A+x"),
    ],
)
def test_the_way_back_keeps_only_the_queues_own_parameters(reviewer_client, in_review, back, queue):
    response = reviewer_client.post(CONFIRM, posted([in_review], "rerun", back=back))

    assert response["Location"] == queue


# --- who may ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", [CONFIRMATION, CONFIRM])
@pytest.mark.parametrize("publisher", ["alice", "bob"])
def test_publishers_get_403_even_for_their_own_offers(client, request, in_review, url, publisher):
    client.force_login(request.getfixturevalue(publisher))

    response = client.post(url, posted([in_review], "rerun"))

    assert response.status_code == 403
    assert OfferEvent.objects.count() == 0


@pytest.mark.parametrize("url", [CONFIRMATION, CONFIRM])
def test_anonymous_visitors_are_sent_to_sign_in(client, in_review, url):
    response = client.post(url, posted([in_review], "rerun"))

    assert (response.status_code, response["Location"].split("?")[0]) == (
        302,
        reverse("account_login"),
    )


@pytest.mark.parametrize("url", [CONFIRMATION, CONFIRM])
def test_a_get_is_405_as_nothing_is_shown_without_a_selection(reviewer_client, url):
    response = reviewer_client.get(url)

    assert (response.status_code, response["Allow"]) == (405, "POST")


def test_confirming_needs_a_csrf_token(reviewer, in_review):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reviewer)

    response = browser.post(CONFIRM, posted([in_review], "assign", reviewer))

    assert response.status_code == 403
    assert assignees([in_review]) == {in_review.app_name: None}


# --- queries -----------------------------------------------------------------------------

# User, second factor, the reviewer chosen, the offers selected with everything the rows show,
# the organisations of the reviewer chosen, and those of the one looking (the navigation asks).
# The session comes from the cache.
CONFIRMATION_QUERIES = 6
# User, second factor, the reviewer chosen and the offers selected; then each offer in
# a transaction of its own, as offers.services.assign locks its row: savepoint (in tests; a
# transaction otherwise), the locked row, the membership, the update, the event, release.
CONFIRM_QUERIES, QUERIES_PER_OFFER = 4, 6


def waiting(alice, count):
    return [submitted_offer(alice, app_name=f"Offer {n}", with_logos=False) for n in range(count)]


def count_queries(client, url, data):
    with CaptureQueriesContext(connection) as queries:
        client.post(url, data)
    return len(queries)


def test_the_confirmation_makes_as_many_queries_for_one_offer_as_for_many(
    reviewer_client, alice, erin
):
    one, many = waiting(alice, 1), waiting(alice, 20)
    services.assign(many[0], reviewer=erin)

    assert count_queries(reviewer_client, CONFIRMATION, posted(one, "assign", erin)) == (
        CONFIRMATION_QUERIES
    )
    assert count_queries(reviewer_client, CONFIRMATION, posted(many, "assign", erin)) == (
        CONFIRMATION_QUERIES
    )
    assert count_queries(reviewer_client, CONFIRMATION, posted(many, "rerun")) == (
        CONFIRMATION_QUERIES - 2  # no reviewer to read
    )


@pytest.mark.parametrize("count", [1, 5])
def test_confirming_makes_a_fixed_number_of_queries_per_offer(reviewer_client, alice, erin, count):
    offers = waiting(alice, count)

    assert count_queries(reviewer_client, CONFIRM, posted(offers, "assign", erin)) == (
        CONFIRM_QUERIES + QUERIES_PER_OFFER * count
    )


def test_a_refused_offer_costs_no_more_than_one_done(reviewer_client, alice, erin):
    offers = waiting(alice, 3)
    Offer.objects.filter(pk=offers[0].pk).update(status=OfferStatus.APPROVED)

    assert count_queries(reviewer_client, CONFIRM, posted(offers, "assign", erin)) <= (
        CONFIRM_QUERIES + QUERIES_PER_OFFER * 3
    )
