"""The queue as CSV: what a row says, the queue's filters kept, formulas defused, the reader's
language, and a number of queries that does not grow with the offers."""

import csv
import io
from datetime import UTC, datetime
from functools import partial

import pytest
from django.urls import reverse

from accounts.models import Role
from offers import services
from offers.models import Offer, OfferEvent, OfferStatus, ReviewReason
from review import export
from review.clock import ReviewClock
from tests.factories import UserFactory, publisher
from tests.review.test_dashboard import ONE_WEEK, queued

pytestmark = pytest.mark.django_db

URL = reverse("review:export")
# Tuesday 14 May 2024: an offer queued on Monday 6 May (tests.review.test_dashboard) has waited
# six business days.
NOW = datetime(2024, 5, 14, 10, 0, tzinfo=UTC)
HEADER = [
    "App name",
    "Organisation",
    "Started by",
    "State",
    "Reviewer",
    "Submitted",
    "Business days waited",
    "Checks",
    "Last decision",
    "Reasons",
]


@pytest.fixture(autouse=True)
def clock_at_now(monkeypatch):
    monkeypatch.setattr("review.export.ReviewClock", partial(ReviewClock, now=NOW))


def download(client, query=None):
    """The response, and its rows as a spreadsheet reads them (the header row first)."""
    response = client.get(URL, query or {})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return response, list(csv.reader(io.StringIO(text)))


def names(rows):
    return [row[0] for row in rows[1:]]


@pytest.fixture
def sent_back(reviewer):
    """Northwind's offer: assigned to carol@, who asked for changes on two requirements."""
    erin = publisher("erin@nw.test", company_name="Northwind Traders")
    offer = queued("Route Planner", owner=erin, hour=1)
    Offer.objects.filter(pk=offer.pk).update(assigned_to=reviewer)
    services.decide(
        offer,
        OfferStatus.CHANGES_REQUESTED,
        reviewer=reviewer,
        reasons=[("uptime", "Show us the SLA page."), ("logos", "The 40 × 40 logo is blurry.")],
    )
    return offer


def test_reviewers_download_the_queue_as_a_streamed_csv_file(reviewer_client):
    queued("Field Service")

    response, rows = download(reviewer_client)

    assert response.streaming is True
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == ('attachment; filename="review-queue-2024-05-14.csv"')
    assert rows[0] == HEADER


def test_publishers_may_not_download_it(client, alice, in_review):
    client.force_login(alice)

    assert client.get(URL).status_code == 403


def test_a_row_says_who_where_when_how_long_and_what_was_decided(reviewer_client, sent_back):
    queued("Field Service", hour=0)

    _response, rows = download(reviewer_client)

    assert rows[1:] == [
        [
            "Field Service",
            "Contoso Ltd",
            Offer.objects.get(app_name="Field Service").created_by.email,
            "In review",
            "",
            "2024-05-06T09:00:00+00:00",
            "6",
            "All passed",
            "",
            "",
        ],
        [
            "Route Planner",
            "Northwind Traders",
            "erin@nw.test",
            "Changes requested",
            "carol@example.com",
            "2024-05-06T10:00:00+00:00",
            "",  # back with its publisher: the review clock is not running
            "All passed",
            "Changes requested",
            "An uptime of at least 99.9%: Show us the SLA page.; "
            "Logos: The 40 × 40 logo is blurry.",
        ],
    ]


def test_the_last_decision_is_the_newest_one(reviewer_client, reviewer, sent_back):
    # As if the publisher had resubmitted and the checks had passed again.
    Offer.objects.filter(pk=sent_back.pk).update(status=OfferStatus.IN_REVIEW)
    sent_back.refresh_from_db()
    services.decide(sent_back, OfferStatus.APPROVED, reviewer=reviewer)

    _response, rows = download(reviewer_client, {"state": "all"})

    assert (rows[1][3], rows[1][8], rows[1][9]) == ("Approved", "Approved", "")


def test_the_export_keeps_the_queue_s_filters_and_sort_and_has_every_page(
    reviewer_client, reviewer
):
    for number in range(30):
        queued(f"Offer {number:02}", hour=number)
    queued("Done", OfferStatus.APPROVED, hour=40)
    queued("Fresh", hour=ONE_WEEK)
    mine = Offer.objects.filter(app_name__in=["Offer 03", "Offer 07", "Fresh"])
    mine.update(assigned_to=reviewer)

    assert len(names(download(reviewer_client)[1])) == 31
    assert names(download(reviewer_client, {"assigned": "me", "sort": "newest"})[1]) == [
        "Fresh",
        "Offer 07",
        "Offer 03",
    ]
    assert names(download(reviewer_client, {"assigned": "me", "overdue": "on"})[1]) == [
        "Offer 03",
        "Offer 07",
    ]
    assert names(download(reviewer_client, {"state": "approved", "page": "2"})[1]) == ["Done"]


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil.test")', '\'=HYPERLINK("http://evil.test")'),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("Route = Planner", "Route = Planner"),
        ("", ""),
        (6, 6),
    ],
)
def test_a_cell_a_spreadsheet_would_run_as_a_formula_starts_with_an_apostrophe(value, cell):
    assert export.safe_cell(value) == cell


def test_the_publisher_s_and_reviewer_s_text_is_never_a_formula(reviewer_client, reviewer):
    offer = queued("Route Planner")
    Offer.objects.filter(pk=offer.pk).update(app_name="=cmd|' /C calc'!A0")
    offer.refresh_from_db()
    services.decide(offer, OfferStatus.REJECTED, reviewer=reviewer, reasons=[("uptime", "@once")])
    offer.organisation.__class__.objects.filter(pk=offer.organisation_id).update(
        company_name="-2+3"
    )

    _response, rows = download(reviewer_client, {"state": "all"})

    assert (rows[1][0], rows[1][1], rows[1][9]) == (
        "'=cmd|' /C calc'!A0",
        "'-2+3",
        "An uptime of at least 99.9%: @once",
    )


def test_the_file_is_in_the_reviewer_s_language(client):
    queued("Route Planner")
    client.force_login(UserFactory(email="nel@example.com", role=Role.REVIEWER, language="nl"))

    _response, rows = download(client)

    assert rows[1][3] == "In beoordeling"


# User, whether the reviewer has a second factor, the offers with everything their rows show,
# their decisions, and the decisions' reasons. The session comes from the cache.
EXPORT_QUERIES = 5


def test_the_query_count_does_not_grow_with_the_offers(
    reviewer_client, sent_back, django_assert_num_queries
):
    with django_assert_num_queries(EXPORT_QUERIES):
        assert len(download(reviewer_client)[1]) == 2

    for number in range(30):
        queued(f"Offer {number}", hour=number + 2)
    with django_assert_num_queries(EXPORT_QUERIES):
        assert len(download(reviewer_client)[1]) == 32


def test_each_chunk_of_offers_costs_two_queries_for_its_decisions(
    reviewer_client, reviewer, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(export, "CHUNK_SIZE", 10)
    offers = [queued(f"Offer {number}", OfferStatus.REJECTED, hour=number) for number in range(25)]
    decisions = OfferEvent.objects.bulk_create(
        OfferEvent(
            offer=offer,
            actor=reviewer,
            from_status=OfferStatus.IN_REVIEW,
            to_status=OfferStatus.REJECTED,
            revision=1,
        )
        for offer in offers
    )
    ReviewReason.objects.bulk_create(
        ReviewReason(event=decision, requirement="uptime", comment="No SLA.")
        for decision in decisions
    )

    # Three chunks of offers: the first costs what one offer costs, the others two each.
    with django_assert_num_queries(EXPORT_QUERIES + 2 * 2):
        rows = download(reviewer_client, {"state": "rejected"})[1]
    assert {tuple(row[8:]) for row in rows[1:]} == {
        ("Rejected", "An uptime of at least 99.9%: No SLA.")
    }
    assert len(rows) == 26
