"""The pages a team uses make as many queries with 10 members and 10 offers as with one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisations.models import MemberRole
from tests.factories import OfferFactory, organisation_of, publisher
from tests.wizard_data import step_url

pytestmark = pytest.mark.django_db

STEPS = ("publisher", "technical", "business", "marketing", "review")
# The user and their organisations on every page (the session comes from the cache); then
# "My offers" reads the offers and the news, and a wizard step the offer with its organisation
# and the step's version in one query (the person's membership is among the organisations
# already read; the first step's version is the organisation's), and the logos on the marketing
# and review steps.
EXPECTED = {
    "offers:list": 4,
    "publisher": 3,
    "technical": 3,
    "business": 3,
    "marketing": 4,
    "review": 4,
}


def grow(alice, size):
    """`size` members and offers in Alice's organisation, counting hers."""
    organisation = organisation_of(alice)
    for n in range(size - 1):
        member = publisher(
            f"member{n}@example.com", organisation=organisation, role=MemberRole.MANAGER
        )
        OfferFactory(owner=member, with_logos=False)


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["offers:list", *STEPS])
def test_each_page_makes_the_same_queries_with_1_and_10_members_and_offers(
    client, alice, draft, page
):
    client.force_login(alice)
    url = reverse(page) if page == "offers:list" else step_url(draft, page)
    queries(client, url)  # fills the cache of the incomplete steps, as any visit before did
    alone = queries(client, url)

    grow(alice, 10)
    team = queries(client, url)

    assert alone == team == EXPECTED[page], (alone, team)
