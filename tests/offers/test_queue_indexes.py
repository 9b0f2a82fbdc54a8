"""The indexes that keep the reviewers' queue flat as it grows (Offer.Meta, offers 0016): they
hold the offers the queue shows, and on PostgreSQL its searches and sorts can read them.
bench/dashboard.py times the queue itself with 100,000 offers."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from offers import queries
from offers.models import REVIEWABLE, UNDECIDED, Offer, OfferStatus
from offers.workflow import REVIEWABLE_STATUSES, UNDECIDED_STATUSES
from organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_the_partial_indexes_hold_the_queue_and_its_default_view():
    # Offer.Meta cannot import offers.workflow (which imports the models): the same states.
    assert sorted(UNDECIDED.children[0][1]) == sorted(UNDECIDED_STATUSES)
    assert REVIEWABLE.negated and REVIEWABLE.children == [("status", OfferStatus.DRAFT)]
    assert sorted(REVIEWABLE_STATUSES) == sorted(set(OfferStatus) - {OfferStatus.DRAFT})


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("The trigram and expression indexes are PostgreSQL's (offers 0016).")


def plan(queryset, *, avoid=("seqscan",)):
    """PostgreSQL's plan for the queryset as if its tables were large: the few rows of a test
    would rather be read whole (or sorted), which says nothing about the indexes. `avoid`:
    the plan nodes it is told to do without whenever it can (enable_seqscan, ...)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        for node in avoid:
            cursor.execute(f"SET LOCAL enable_{node} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        lines = [row[0] for row in cursor.fetchall()]
        for node in avoid:
            cursor.execute(f"RESET enable_{node}")
    return "\n".join(lines)


# A search can only be read through an index that matches its condition, with a bitmap: not
# reading a whole table or a whole index (the primary key's, filtered row by row) instead.
WHOLE_INDEX_SCANS = ("seqscan", "indexscan", "indexonlyscan")


@pytest.mark.parametrize(
    ("queryset", "index"),
    [
        (lambda: Offer.objects.filter(app_name__icontains="route"), "offers_offer_app_name_trgm"),
        (
            lambda: Organisation.objects.filter(company_name__icontains="north"),
            "offers_organisation_company_name_trgm",
        ),
        (
            lambda: Organisation.objects.filter(mpn_id__icontains="54321"),
            "offers_organisation_mpn_id_trgm",
        ),
        (
            lambda: get_user_model().objects.filter(email__icontains="erin@"),
            "offers_user_email_trgm",
        ),
    ],
)
def test_each_searched_field_has_a_trigram_index_matching_the_sql_django_writes(
    postgresql, queryset, index
):
    assert f"Bitmap Index Scan on {index}" in plan(queryset(), avoid=WHOLE_INDEX_SCANS)


def test_a_search_reads_each_table_by_its_own_index(postgresql, reviewer):
    found = plan(queries.review_queue(search="north", user=reviewer), avoid=WHOLE_INDEX_SCANS)

    assert re.findall(r"Bitmap Index Scan on (\w+_trgm)", found) == [
        "offers_offer_app_name_trgm",
        "offers_organisation_company_name_trgm",
        "offers_organisation_mpn_id_trgm",
        "offers_user_email_trgm",
    ]


@pytest.mark.parametrize(
    ("filters", "index"),
    [
        ({}, "offers_open"),
        ({"sort": "newest"}, "offers_open"),
        ({"statuses": REVIEWABLE_STATUSES, "sort": "newest"}, "offers_queue"),
        ({"sort": "app_name"}, "offers_queue_app_name"),
        ({"sort": "-app_name"}, "offers_queue_app_name"),
        ({"sort": "updated"}, "offers_queue_updated"),
        # By organisation, then by offer within each (an incremental sort of a few rows).
        ({"sort": "publisher"}, "offers_organisation_company_name_sort"),
        ({"sort": "-publisher"}, "offers_organisation_company_name_sort"),
        ({"outcome": "failed"}, "offers_open_outcome"),
        ({"assigned": "me"}, "offers_open_reviewer"),
    ],
)
def test_a_page_of_the_queue_is_read_in_its_order_from_an_index(
    postgresql, reviewer, filters, index
):
    found = plan(queries.review_queue(user=reviewer, **filters)[:25], avoid=("seqscan", "sort"))

    assert re.search(rf"Index Scan(?: Backward)? using {index} ", found), found
    assert not re.search(r"(^|->)\s*Sort  \(", found, re.MULTILINE), found
