"""The reviewers' queue: who may see it, what it lists, its filters, search, sort and pages."""

from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from django.urls import reverse

from accounts.models import Role
from offers import services
from offers.checks import rounds
from offers.models import Check, CheckStatus, Offer, OfferStatus
from review.clock import ReviewClock
from tests.factories import OfferFactory, UserFactory, organisation_of, publisher, submitted_offer

pytestmark = pytest.mark.django_db

URL = reverse("review:dashboard")
MONDAY = datetime(2024, 5, 6, 9, 0, tzinfo=UTC)
OPEN = [
    OfferStatus.SUBMITTED,
    OfferStatus.VALIDATING,
    OfferStatus.CHANGES_NEEDED,
    OfferStatus.IN_REVIEW,
    OfferStatus.CHANGES_REQUESTED,
]
DECIDED = [OfferStatus.APPROVED, OfferStatus.REJECTED, OfferStatus.WITHDRAWN]


def queued(app_name, status=OfferStatus.IN_REVIEW, *, hour=0, check_status="passed", **fields):
    """A submitted offer named `app_name`, submitted `hour` hours after Monday 9:00."""
    offer = submitted_offer(
        status=status, check_status=check_status, app_name=app_name, with_logos=False, **fields
    )
    when = MONDAY + timedelta(hours=hour)
    Offer.objects.filter(pk=offer.pk).update(submitted_at=when, updated_at=when)
    return checks_said(offer)


def checks_said(offer):
    """The offer, with what its current checks say stored on it, as offers.checks.rounds
    stores it when a round starts or settles: these tests set the checks' rows directly."""
    offer.refresh_from_db()
    rounds.store_outcome(offer, Check.objects.current_round(offer))
    return offer


def listed(response):
    assert response.status_code == 200
    return [row.offer.app_name for row in response.context["rows"]]


def counts(response):
    return {value: count for value, _label, count in response.context["states"]}


# --- who may see it ------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in_first(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={URL}"


@pytest.mark.parametrize("publisher", ["alice", "bob"])
def test_publishers_get_403_even_with_an_offer_in_the_queue(client, request, publisher, in_review):
    client.force_login(request.getfixturevalue(publisher))

    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("staff", ["reviewer", "admin_user"])
def test_reviewers_and_admins_see_the_queue(client, request, staff, in_review):
    client.force_login(request.getfixturevalue(staff))

    assert listed(client.get(URL)) == [in_review.app_name]


def test_drafts_are_never_listed_nor_counted_in_any_state(reviewer_client, alice):
    OfferFactory(owner=alice, app_name="Still a draft", with_logos=False)
    queued("Sent")

    assert listed(reviewer_client.get(URL)) == ["Sent"]
    response = reviewer_client.get(URL, {"state": "all"})
    assert listed(response) == ["Sent"]
    assert "draft" not in counts(response)
    assert sum(counts(response)[status] for status in OPEN + DECIDED) == 1


def test_asking_for_drafts_shows_the_open_offers_and_says_why(reviewer_client, alice):
    OfferFactory(owner=alice, app_name="Still a draft", with_logos=False)
    queued("Sent")

    response = reviewer_client.get(URL, {"state": "draft"})

    assert listed(response) == ["Sent"]
    assert response.context["form"].errors == {
        "state": [
            "“draft” is not a state of the queue, so open offers are shown; "
            "pick a state from the list."
        ]
    }


# --- what a row shows ----------------------------------------------------------------------


def test_a_row_shows_the_offer_its_publisher_state_checks_date_revision_and_reviewer(
    reviewer_client, reviewer
):
    erin = publisher("erin@nw.test", company_name="Northwind Traders")
    offer = queued("Route Planner", owner=erin, hour=2)
    Offer.objects.filter(pk=offer.pk).update(assigned_to=reviewer, revision=3)
    Check.objects.filter(offer=offer).update(revision=3)

    html = reviewer_client.get(URL).content.decode()

    link = reverse("review:offer", kwargs={"pk": offer.pk})
    assert f'<th scope="row"><a href="{link}">Route Planner</a></th>' in html
    assert '<td>Northwind Traders<span class="queue-table__email">erin@nw.test</span></td>' in html
    assert '<td><span class="badge badge--in_review">In review</span></td>' in html
    assert '<td><span class="badge badge--check-passed">All passed</span></td>' in html
    assert '<time datetime="2024-05-06T11:00:00+00:00">05/06/2024 11 a.m.</time>' in html
    assert "<td>3</td>" in html
    assert '<td><span class="queue-table__email">carol@example.com</span></td>' in html


def test_an_offer_nobody_took_on_says_unassigned(reviewer_client):
    queued("Route Planner")

    html = reviewer_client.get(URL).content.decode()

    assert '<span class="queue-table__none">Unassigned</span>' in html


def test_the_table_has_a_caption_naming_the_state_count_order_and_page(reviewer_client):
    queued("One")
    queued("Two", hour=1)

    html = reviewer_client.get(URL).content.decode()

    assert '<caption id="queue-caption">\n        Open (no decision yet): 2 offers' in html
    assert '<span class="queue-table__order">Oldest submission first; page 1 of 1</span>' in html


def test_an_empty_state_says_so_instead_of_an_empty_table(reviewer_client):
    queued("Done", OfferStatus.APPROVED)

    html = reviewer_client.get(URL).content.decode()

    assert "<table" not in html
    assert "No offers in this state." in html


# --- filters -------------------------------------------------------------------------------


def _one_offer_in_each_state():
    for hour, status in enumerate(OPEN + DECIDED):
        queued(f"Offer {status.value}", status, hour=hour)


def test_by_default_the_queue_shows_every_open_offer_oldest_submission_first(reviewer_client):
    _one_offer_in_each_state()

    assert listed(reviewer_client.get(URL)) == [f"Offer {status.value}" for status in OPEN]


@pytest.mark.parametrize("status", OPEN + DECIDED)
def test_the_state_filter_shows_only_offers_in_that_state(reviewer_client, status):
    _one_offer_in_each_state()

    assert listed(reviewer_client.get(URL, {"state": status.value})) == [f"Offer {status.value}"]


def test_every_state_shows_decided_offers_too(reviewer_client):
    _one_offer_in_each_state()

    names = listed(reviewer_client.get(URL, {"state": "all"}))

    assert names == [f"Offer {status.value}" for status in OPEN + DECIDED]


def _offer_with_one_check(app_name, status, *, hour):
    """Six checks passed; the URL check of the terms page has `status`."""
    offer = queued(app_name, OfferStatus.VALIDATING, hour=hour)
    Check.objects.filter(offer=offer, kind="terms_url").update(status=status)
    return checks_said(offer)


@pytest.fixture
def one_offer_per_outcome():
    queued("All good", OfferStatus.VALIDATING, hour=0)
    _offer_with_one_check("One failed", CheckStatus.FAILED, hour=1)
    _offer_with_one_check("One error", CheckStatus.ERROR, hour=2)
    _offer_with_one_check("One waiting", CheckStatus.PENDING, hour=3)
    _offer_with_one_check("One running", CheckStatus.RUNNING, hour=4)
    # Still running wins over a failure: the round has not said its last word.
    failed_and_running = _offer_with_one_check("Failed, running", CheckStatus.RUNNING, hour=5)
    Check.objects.filter(offer=failed_and_running, kind="logo").update(status="failed")
    checks_said(failed_and_running)


@pytest.mark.parametrize(
    ("outcome", "names"),
    [
        ("passed", ["All good"]),
        ("failed", ["One failed"]),
        ("error", ["One error"]),
        ("running", ["One waiting", "One running", "Failed, running"]),
        (
            "",
            [
                "All good",
                "One failed",
                "One error",
                "One waiting",
                "One running",
                "Failed, running",
            ],
        ),
    ],
)
def test_the_checks_filter_shows_offers_with_that_outcome(
    reviewer_client, one_offer_per_outcome, outcome, names
):
    assert listed(reviewer_client.get(URL, {"outcome": outcome})) == names


def test_each_row_shows_the_outcome_of_its_checks(reviewer_client, one_offer_per_outcome):
    no_checks = queued("No checks", OfferStatus.SUBMITTED, hour=6)
    Check.objects.filter(offer=no_checks).delete()
    checks_said(no_checks)

    rows = reviewer_client.get(URL).context["rows"]

    assert [(row.offer.app_name, row.outcome.label) for row in rows] == [
        ("All good", "All passed"),
        ("One failed", "Some failed"),
        ("One error", "Could not be checked"),
        ("One waiting", "Still running"),
        ("One running", "Still running"),
        ("Failed, running", "Still running"),
        ("No checks", "No checks"),
    ]


def test_only_the_checks_of_the_current_revision_count(reviewer_client):
    offer = queued("Fixed it", check_status="failed")
    Offer.objects.filter(pk=offer.pk).update(revision=2)
    Check.objects.bulk_create(
        Check(offer=offer, revision=2, kind=check.kind, subject=check.subject, status="passed")
        for check in Check.objects.filter(offer=offer)
    )
    checks_said(offer)

    assert listed(reviewer_client.get(URL, {"outcome": "passed"})) == ["Fixed it"]
    assert listed(reviewer_client.get(URL, {"outcome": "failed"})) == []


def test_the_checks_filter_and_column_read_the_outcome_stored_with_the_offer(reviewer_client):
    # Not the checks' rows themselves: the stored word is what keeps the filter on an index
    # (offers.checks.rounds keeps it in step with the rows).
    offer = queued("Stored", check_status="passed")
    Offer.objects.filter(pk=offer.pk).update(check_outcome="error")

    response = reviewer_client.get(URL, {"outcome": "error"})

    assert [(row.offer.app_name, row.outcome.label) for row in response.context["rows"]] == [
        ("Stored", "Could not be checked")
    ]
    assert listed(reviewer_client.get(URL, {"outcome": "passed"})) == []


# --- search --------------------------------------------------------------------------------


@pytest.fixture
def two_publishers():
    erin = publisher("erin@northwind.test", company_name="Northwind Traders")
    organisation_of(erin).__class__.objects.filter(memberships__user=erin).update(mpn_id="7654321")
    queued("Route Planner", owner=erin, hour=0)
    queued("Field Service", hour=1)  # Contoso Ltd, MPN ID 4512345, userN@example.com


@pytest.mark.parametrize(
    ("search", "field"),
    [
        ("route PLAN", "app name"),
        ("northwind", "company name"),
        ("54321", "MPN ID"),
        ("ERIN@north", "publisher e-mail"),
    ],
)
def test_search_finds_part_of_any_searched_field_ignoring_case(
    reviewer_client, two_publishers, search, field
):
    assert listed(reviewer_client.get(URL, {"q": search})) == ["Route Planner"], field


def test_an_offer_found_in_several_fields_is_listed_and_counted_once(reviewer_client):
    erin = publisher("erin@northwind.test", company_name="Northwind Traders")
    queued("Northwind Routes", owner=erin)

    response = reviewer_client.get(URL, {"q": "northwind"})

    assert listed(response) == ["Northwind Routes"]
    assert counts(response)["in_review"] == 1


def test_a_search_without_matches_says_so(reviewer_client, two_publishers):
    response = reviewer_client.get(URL, {"q": "Fabrikam"})

    assert listed(response) == []
    assert "No offer in this state matches the search and the checks filter." in (
        response.content.decode()
    )


def test_the_search_stays_in_its_box(reviewer_client, two_publishers):
    html = reviewer_client.get(URL, {"q": "north"}).content.decode()

    assert 'type="search" name="q" value="north"' in html


# --- sort ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "names"),
    [
        ("", ["banana", "Cherry", "apple"]),
        ("oldest", ["banana", "Cherry", "apple"]),
        ("newest", ["apple", "Cherry", "banana"]),
        ("app_name", ["apple", "banana", "Cherry"]),
        ("updated", ["Cherry", "apple", "banana"]),
    ],
)
def test_the_queue_sorts_by_submission_app_name_or_last_update(reviewer_client, sort, names):
    queued("banana", hour=0)
    cherry = queued("Cherry", hour=1)
    queued("apple", hour=2)
    Offer.objects.filter(pk=cherry.pk).update(updated_at=MONDAY + timedelta(days=1))

    assert listed(reviewer_client.get(URL, {"sort": sort})) == names


# --- pages ---------------------------------------------------------------------------------


@pytest.fixture
def thirty_in_review():
    return [queued(f"Offer {number:02}", hour=number) for number in range(30)]


def test_the_queue_shows_25_offers_a_page(reviewer_client, thirty_in_review):
    assert listed(reviewer_client.get(URL)) == [f"Offer {number:02}" for number in range(25)]
    assert listed(reviewer_client.get(URL, {"page": 2})) == [
        f"Offer {number:02}" for number in range(25, 30)
    ]


def test_page_links_keep_the_filters(reviewer_client, thirty_in_review):
    response = reviewer_client.get(URL, {"state": "in_review", "q": "Offer", "sort": "oldest"})

    html = response.content.decode()
    assert '<a href="?state=in_review&amp;q=Offer&amp;sort=oldest&amp;page=2" rel="next">' in html
    assert '<li aria-current="page">Page 1 of 2</li>' in html


def test_state_links_keep_the_search_and_go_back_to_the_first_page(
    reviewer_client, thirty_in_review
):
    html = reviewer_client.get(URL, {"q": "Offer", "page": "2"}).content.decode()

    assert '<a href="?q=Offer&amp;state=approved">Approved' in html


@pytest.mark.parametrize(
    ("page", "first"), [("abc", "Offer 00"), ("0", "Offer 25"), ("99", "Offer 25")]
)
def test_a_page_number_that_is_not_one_shows_a_page_that_is(
    reviewer_client, thirty_in_review, page, first
):
    assert listed(reviewer_client.get(URL, {"page": page}))[0] == first


# --- counts --------------------------------------------------------------------------------


def test_the_counts_per_state_are_exact(reviewer_client, alice):
    OfferFactory(owner=alice, with_logos=False)
    for number, status in enumerate([*OPEN, *OPEN[:3], *DECIDED, OfferStatus.APPROVED]):
        queued(f"Offer {number}", status, hour=number)

    # Decided offers are counted only when their state is chosen: they pile up for ever.
    assert counts(reviewer_client.get(URL)) == {
        "open": 8,
        "all": None,
        "submitted": 2,
        "validating": 2,
        "changes_needed": 2,
        "in_review": 1,
        "changes_requested": 1,
        "approved": None,
        "rejected": None,
        "withdrawn": None,
    }
    assert counts(reviewer_client.get(URL, {"state": "approved"}))["approved"] == 2
    every_state = counts(reviewer_client.get(URL, {"state": "all"}))
    assert (every_state["all"], every_state["rejected"], every_state["withdrawn"]) == (12, 1, 1)


def test_the_counts_follow_the_search_and_the_checks_filter(reviewer_client, two_publishers):
    queued("Route Finder", OfferStatus.CHANGES_NEEDED, check_status="failed", hour=2)

    assert counts(reviewer_client.get(URL, {"q": "route"}))["open"] == 2
    found = counts(reviewer_client.get(URL, {"q": "route", "outcome": "failed"}))
    assert (found["open"], found["in_review"], found["changes_needed"]) == (1, 0, 1)


def test_the_page_total_comes_from_the_counts(reviewer_client, thirty_in_review):
    queued("Done", OfferStatus.APPROVED)

    response = reviewer_client.get(URL)

    assert response.context["page"].paginator.count == 30
    assert response.context["page"].paginator.num_pages == 2


# --- bad parameters ------------------------------------------------------------------------


def test_bad_parameters_show_the_default_queue_with_an_error_beside_each(reviewer_client):
    queued("banana", hour=0)
    queued("apple", hour=1)
    queued("Done", OfferStatus.APPROVED, hour=2)

    response = reviewer_client.get(
        URL, {"state": "nope", "outcome": "green", "sort": "random()", "q": "x" * 101}
    )

    assert listed(response) == ["banana", "apple"]
    assert response.context["form"].errors == {
        "state": [
            "“nope” is not a state of the queue, so open offers are shown; "
            "pick a state from the list."
        ],
        "outcome": [
            "“green” is not a check outcome, so every outcome is shown; pick one from the list."
        ],
        "sort": [
            "“random()” is not a sort order, so the oldest submissions come first; "
            "pick one from the list."
        ],
        "q": [
            "A search can be at most 100 characters (this one has 101), so every offer is "
            "shown; shorten it."
        ],
    }
    html = response.content.decode()
    assert 'id="id_sort_error"' in html
    assert f'value="{"x" * 101}"' in html


@pytest.mark.parametrize(
    "query",
    [
        {"q": "nul\x00byte"},
        {"state": ["in_review", "approved"]},
        {"page": "-1"},
        {"page": "1e9"},
        {"sort": "-pk"},
        {"q": "%_\\"},
    ],
)
def test_odd_parameters_never_break_the_page(reviewer_client, query):
    queued("Route Planner")

    assert reviewer_client.get(URL, query).status_code == 200


# --- queries -------------------------------------------------------------------------------

# User, whether the reviewer has a second factor, their organisations (none: the navigation
# asks), counts per state, the page of offers with everything its rows show, and the reviewers
# the bulk action may assign to. The session comes from the cache.
QUEUE_QUERIES = 6


def test_the_query_count_does_not_grow_with_the_offers(
    reviewer_client, reviewer, django_assert_num_queries
):
    queued("First", check_status="failed")
    with django_assert_num_queries(QUEUE_QUERIES):
        assert len(listed(reviewer_client.get(URL))) == 1

    for number in range(29):
        offer = queued(f"Offer {number}", OPEN[number % len(OPEN)], hour=number + 1)
        Offer.objects.filter(pk=offer.pk).update(assigned_to=reviewer)
    with django_assert_num_queries(QUEUE_QUERIES):
        assert len(listed(reviewer_client.get(URL))) == 25
    with django_assert_num_queries(QUEUE_QUERIES):
        assert len(listed(reviewer_client.get(URL, {"q": "Offer", "outcome": "passed"}))) == 25


# --- who has it ----------------------------------------------------------------------------


@pytest.fixture
def three_reviewers_offers(reviewer):
    other = UserFactory(email="erin@example.com", role=Role.REVIEWER)
    mine = queued("Mine", hour=0)
    theirs = queued("Theirs", hour=1)
    queued("Nobody's", hour=2)
    Offer.objects.filter(pk=mine.pk).update(assigned_to=reviewer)
    Offer.objects.filter(pk=theirs.pk).update(assigned_to=other)


@pytest.mark.parametrize(
    ("assigned", "names"),
    [
        ("", ["Mine", "Theirs", "Nobody's"]),
        ("me", ["Mine"]),
        ("none", ["Nobody's"]),
    ],
)
def test_the_reviewer_filter_shows_mine_or_the_unassigned(
    reviewer_client, three_reviewers_offers, assigned, names
):
    response = reviewer_client.get(URL, {"assigned": assigned})

    assert listed(response) == names
    assert counts(response)["in_review"] == len(names)


def test_the_state_is_chosen_in_one_place_and_the_form_keeps_it(reviewer_client):
    queued("Route Planner")

    html = reviewer_client.get(URL, {"state": "in_review"}).content.decode()

    assert '<select name="state"' not in html
    assert '<input type="hidden" name="state" value="in_review">' in html


@pytest.mark.parametrize(
    ("sort", "names"),
    [
        ("-app_name", ["Cherry", "banana", "apple"]),
        ("publisher", ["apple", "Cherry", "banana"]),
        ("-publisher", ["banana", "Cherry", "apple"]),
        ("reviewer", ["Cherry", "banana", "apple"]),
        ("-reviewer", ["banana", "Cherry", "apple"]),
    ],
)
def test_the_queue_sorts_by_publisher_and_reviewer_both_ways(
    reviewer_client, reviewer, sort, names
):
    erin = UserFactory(email="erin@example.com", role=Role.REVIEWER)
    queued("banana", hour=0, owner=publisher("b@x.test", company_name="Zeta Apps"))
    cherry = queued("Cherry", hour=1, owner=publisher("c@x.test", company_name="Mu Apps"))
    apple = queued("apple", hour=2, owner=publisher("a@x.test", company_name="Alpha Apps"))
    services.assign(cherry, reviewer=reviewer)  # carol@
    services.assign(Offer.objects.get(app_name="banana"), reviewer=erin)
    assert apple.assigned_to is None

    assert listed(reviewer_client.get(URL, {"sort": sort})) == names


def test_the_sort_by_reviewer_follows_a_change_of_address(reviewer_client, reviewer):
    erin = UserFactory(email="erin@example.com", role=Role.REVIEWER)
    services.assign(queued("Erin's", hour=0), reviewer=erin)
    services.assign(queued("Carol's", hour=1), reviewer=reviewer)
    assert listed(reviewer_client.get(URL, {"sort": "reviewer"})) == ["Carol's", "Erin's"]

    erin.email = "aaron@example.com"  # as allauth's e-mail page or the admin would save it
    erin.save()

    assert listed(reviewer_client.get(URL, {"sort": "reviewer"})) == ["Erin's", "Carol's"]


def test_a_column_heading_sorts_and_says_how_it_is_sorted(reviewer_client):
    queued("Route Planner")

    html = reviewer_client.get(URL, {"sort": "app_name"}).content.decode()

    assert (
        '<th scope="col" aria-sort="ascending"><a href="?sort=-app_name" class="sort-link">' in html
    )
    assert '<th scope="col"><a href="?sort=publisher" class="sort-link">Publisher' in html


# --- the review clock ----------------------------------------------------------------------

# Tuesday of the next week: an offer queued on Monday 6 May has waited six business days.
NOW = datetime(2024, 5, 14, 10, 0, tzinfo=UTC)
ONE_WEEK = 24 * 7


@pytest.fixture
def clock_at_now(monkeypatch):
    """The queue's clock reads NOW instead of the real time."""
    monkeypatch.setattr("review.dashboard.ReviewClock", partial(ReviewClock, now=NOW))


@pytest.fixture
def late_and_fresh(clock_at_now):
    """ "Late" has waited six business days at NOW, "Fresh" one; "Sent back" waits for its
    publisher, so its clock does not run."""
    late = queued("Late", hour=0)
    fresh = queued("Fresh", hour=ONE_WEEK)
    back = queued("Sent back", OfferStatus.CHANGES_REQUESTED, hour=1)
    return late, fresh, back


def test_each_offer_awaiting_review_shows_the_business_days_it_has_waited(
    reviewer_client, late_and_fresh
):
    html = reviewer_client.get(URL).content.decode()

    assert '<th scope="col">Waited</th>' in html
    assert (
        '<td><span class="queue-table__waited">6 business days</span> '
        '<span class="badge badge--overdue">Overdue</span></td>'
    ) in html
    assert '<td><span class="queue-table__waited">1 business day</span></td>' in html
    assert html.count('class="queue-table__waited"') == 2  # not "Sent back"


def test_the_caption_names_the_target(reviewer_client, late_and_fresh, settings):
    settings.REVIEW_TARGET_BUSINESS_DAYS = 1

    html = reviewer_client.get(URL).content.decode()

    assert (
        '<span class="queue-table__order">Overdue: waiting for a reviewer for more than '
        "1 business day.</span>"
    ) in html


def test_overdue_only_shows_the_offers_that_waited_longer_than_the_target(
    reviewer_client, late_and_fresh
):
    response = reviewer_client.get(URL, {"overdue": "on"})

    assert listed(response) == ["Late"]
    assert (counts(response)["open"], counts(response)["changes_requested"]) == (1, 0)
    assert 'name="overdue" aria-describedby="id_overdue_helptext" id="id_overdue" checked>' in (
        response.content.decode()
    )


def test_the_target_setting_moves_what_is_overdue(reviewer_client, late_and_fresh, settings):
    settings.REVIEW_TARGET_BUSINESS_DAYS = 0

    response = reviewer_client.get(URL, {"overdue": "on"})

    assert listed(response) == ["Late", "Fresh"]
    assert "Waiting for a reviewer for more than 0 business days." in response.content.decode()


def test_overdue_only_without_overdue_offers_says_so(reviewer_client, clock_at_now):
    queued("Fresh", hour=ONE_WEEK)

    response = reviewer_client.get(URL, {"overdue": "on"})

    assert listed(response) == []
    assert "No offer in this state is overdue." in response.content.decode()


def test_overdue_only_keeps_the_other_filters(reviewer_client, reviewer, late_and_fresh):
    late, _fresh, _back = late_and_fresh
    queued("Late too", hour=2)
    Offer.objects.filter(pk=late.pk).update(assigned_to=reviewer)

    response = reviewer_client.get(URL, {"overdue": "on", "assigned": "me"})

    assert listed(response) == ["Late"]
    assert listed(reviewer_client.get(URL, {"overdue": "on", "q": "too"})) == ["Late too"]


def test_the_queue_keeps_its_query_count_with_overdue_only(
    reviewer_client, late_and_fresh, django_assert_num_queries
):
    with django_assert_num_queries(QUEUE_QUERIES):
        assert listed(reviewer_client.get(URL, {"overdue": "on"})) == ["Late"]
    for number in range(20):
        queued(f"Late {number}", hour=-number - 1)
    with django_assert_num_queries(QUEUE_QUERIES):
        assert len(listed(reviewer_client.get(URL, {"overdue": "on"}))) == 21


def test_the_csv_link_downloads_what_the_queue_shows(reviewer_client, late_and_fresh):
    html = reviewer_client.get(URL, {"q": "Late", "overdue": "on", "page": "1"}).content.decode()

    export = reverse("review:export")
    assert f'<a href="{export}?q=Late&amp;overdue=on">Download as CSV</a>' in html
