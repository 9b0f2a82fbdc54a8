"""Offers, their audit log and their checks in the Django admin: admins read, nobody writes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from offers.models import Check, Offer, OfferEvent, OfferStatus, ReviewReason
from tests.factories import OfferFactory, UserFactory, submitted_offer

pytestmark = pytest.mark.django_db

OFFERS_URL = "/admin/offers/offer/"
EVENTS_URL = "/admin/offers/offerevent/"
CHECKS_URL = "/admin/offers/check/"


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def decision(in_review, reviewer):
    """A reviewer's request for changes on Alice's offer, with one reason."""
    event = OfferEvent.objects.create(
        offer=in_review,
        actor=reviewer,
        from_status=OfferStatus.IN_REVIEW,
        to_status=OfferStatus.CHANGES_REQUESTED,
        revision=1,
        reason="Please see the requirement below.",
        internal_note="Second time the support model is unclear.",
    )
    ReviewReason.objects.create(
        event=event, requirement="support_model", comment="Say whether support is paid."
    )
    return event


@pytest.fixture
def pages(in_review, decision):
    check = in_review.checks.get(kind="support_url")
    return {
        "offers": OFFERS_URL,
        "offer": f"{OFFERS_URL}{in_review.pk}/change/",
        "events": EVENTS_URL,
        "event": f"{EVENTS_URL}{decision.pk}/change/",
        "checks": CHECKS_URL,
        "check": f"{CHECKS_URL}{check.pk}/change/",
    }


PAGES = ["offers", "offer", "events", "event", "checks", "check"]
ONE_OBJECT_PAGES = ["offer", "event", "check"]


def listed(response):
    return list(response.context["cl"].result_list)


# Who reaches these pages.


@pytest.mark.parametrize("page", PAGES)
def test_an_admin_reads_every_page(admin_client, pages, page):
    response = admin_client.get(pages[page])

    assert response.status_code == 200


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["alice", "bob", "reviewer"])
def test_the_owner_another_publisher_or_a_reviewer_gets_403(client, pages, page, who, request):
    client.force_login(request.getfixturevalue(who))

    assert client.get(pages[page]).status_code == 403


@pytest.mark.parametrize("page", ONE_OBJECT_PAGES)
def test_a_single_object_page_has_no_field_to_edit(admin_client, pages, page):
    response = admin_client.get(pages[page])

    assert list(response.context["adminform"].form.fields) == []
    assert response.context["has_change_permission"] is False
    assert 'name="_save"' not in response.text


# Nothing can be written.


def test_posting_a_change_to_an_offer_is_refused(admin_client, pages, in_review, bob):
    app_name = in_review.app_name

    response = admin_client.post(
        pages["offer"], {"status": "approved", "created_by": bob.pk, "app_name": "Hijacked"}
    )

    assert response.status_code == 403
    in_review.refresh_from_db()
    assert (in_review.status, in_review.created_by.email, in_review.app_name) == (
        OfferStatus.IN_REVIEW,
        "alice@example.com",
        app_name,
    )


def test_posting_a_change_to_an_audit_event_is_refused(admin_client, pages, decision):
    response = admin_client.post(pages["event"], {"reason": "Nothing to see.", "to_status": "x"})

    assert response.status_code == 403
    decision.refresh_from_db()
    assert (decision.reason, decision.to_status) == (
        "Please see the requirement below.",
        OfferStatus.CHANGES_REQUESTED,
    )


def test_posting_a_change_to_a_check_is_refused(admin_client, pages, in_review):
    response = admin_client.post(pages["check"], {"status": "failed"})

    assert response.status_code == 403
    assert set(in_review.checks.values_list("status", flat=True)) == {"passed"}


@pytest.mark.parametrize("url", [OFFERS_URL, EVENTS_URL, CHECKS_URL])
def test_there_is_no_add_page(admin_client, url):
    assert admin_client.get(f"{url}add/").status_code == 403
    assert admin_client.post(f"{url}add/", {}).status_code == 403


@pytest.mark.parametrize("page", ONE_OBJECT_PAGES)
def test_nothing_can_be_deleted(admin_client, pages, page):
    delete_url = pages[page].replace("/change/", "/delete/")

    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert (Offer.objects.count(), OfferEvent.objects.count(), Check.objects.count()) == (1, 1, 7)


@pytest.mark.parametrize("page", ["offers", "events", "checks"])
def test_the_lists_offer_no_bulk_action(admin_client, pages, page):
    assert admin_client.get(pages[page]).context["action_form"] is None


def test_the_delete_action_posted_anyway_deletes_nothing(admin_client, in_review):
    admin_client.post(
        OFFERS_URL, {"action": "delete_selected", "_selected_action": [in_review.pk], "post": "yes"}
    )

    assert Offer.objects.filter(pk=in_review.pk).exists() is True


# What the pages show.


def test_the_offer_list_filters_by_status(admin_client, in_review, draft):
    assert listed(admin_client.get(OFFERS_URL, {"status__exact": "in_review"})) == [in_review]
    assert listed(admin_client.get(OFFERS_URL, {"status__exact": "draft"})) == [draft]


@pytest.mark.parametrize(
    ("query", "owners"),
    [
        ("Service 0", ["alice@example.com"]),
        ("bob@example", ["bob@example.com"]),
        ("Bob Software", ["bob@example.com"]),
        ("nothing like it", []),
    ],
)
def test_the_offer_list_searches_app_name_owner_and_company(
    admin_client, alice, bob, query, owners
):
    submitted_offer(alice, app_name="Contoso Field Service 0")
    submitted_offer(bob, app_name="Fabrikam Routes")

    response = admin_client.get(OFFERS_URL, {"q": query})

    assert [offer.created_by.email for offer in listed(response)] == owners


def test_an_offer_page_shows_its_audit_trail(admin_client, pages, decision):
    response = admin_client.get(pages["offer"])

    [logos, events] = response.context["inline_admin_formsets"]
    assert [(row.original.to_status, row.original.actor.email) for row in events] == [
        ("changes_requested", "carol@example.com")
    ]
    assert "Second time the support model is unclear." in response.text


def test_an_audit_event_page_shows_its_reasons(admin_client, pages):
    response = admin_client.get(pages["event"])

    [reasons] = response.context["inline_admin_formsets"]
    assert [(row.original.requirement, row.original.comment) for row in reasons] == [
        ("support_model", "Say whether support is paid.")
    ]


def test_the_audit_log_lists_the_newest_first_and_searches_by_organisation(
    admin_client, decision, bob, reviewer
):
    later = OfferEvent.objects.create(
        offer=submitted_offer(bob),
        actor=reviewer,
        from_status=OfferStatus.IN_REVIEW,
        to_status=OfferStatus.APPROVED,
        revision=1,
    )

    assert listed(admin_client.get(EVENTS_URL)) == [later, decision]
    assert listed(admin_client.get(EVENTS_URL, {"q": "Alice Apps"})) == [decision]
    assert listed(admin_client.get(EVENTS_URL, {"to_status__exact": "approved"})) == [later]


def test_the_check_list_filters_by_status(admin_client, alice):
    failed = submitted_offer(alice, status=OfferStatus.CHANGES_NEEDED, check_status="failed")
    submitted_offer(alice)

    response = admin_client.get(CHECKS_URL, {"status__exact": "failed"})

    assert {check.offer for check in listed(response)} == {failed}
    assert len(listed(response)) == 7


# Counted queries.


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_events(count, reviewer):
    for _ in range(count):
        offer = OfferFactory(with_logos=False)
        OfferEvent.objects.create(
            offer=offer,
            actor=reviewer,
            from_status=OfferStatus.SUBMITTED,
            to_status=OfferStatus.VALIDATING,
        )


@pytest.mark.parametrize("url", [OFFERS_URL, EVENTS_URL, CHECKS_URL])
def test_each_list_makes_the_same_queries_for_1_row_as_for_30(admin_client, reviewer, url):
    add_events(1, UserFactory())
    submitted_offer()
    one = count_queries(admin_client, url)
    add_events(29, reviewer)
    for _ in range(4):
        submitted_offer()

    assert count_queries(admin_client, url) == one


def test_an_offers_history_costs_the_same_queries_for_1_event_as_for_6(
    admin_client, in_review, reviewer
):
    url = f"{OFFERS_URL}{in_review.pk}/change/"

    def add_event(actor):
        OfferEvent.objects.create(
            offer=in_review,
            actor=actor,
            from_status=OfferStatus.IN_REVIEW,
            to_status=OfferStatus.IN_REVIEW,
            kind="assigned",
        )

    add_event(reviewer)
    one = count_queries(admin_client, url)
    for _ in range(5):
        add_event(UserFactory())

    assert count_queries(admin_client, url) == one
