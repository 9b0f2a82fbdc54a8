"""An offer's history: every status change, who made it and why, on the publisher's page
(without reviewers' internal notes or names) and on the reviewer's page (with them)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation

from offers import queries, services, workflow
from offers.models import OfferEvent, OfferStatus, ReviewReason
from tests.factories import OfferFactory

pytestmark = pytest.mark.django_db

UPTIME = ("uptime", "Your SLA page says 99.5%; the marketplace asks for at least 99.9%.")
NOTE = "Legal says the SLA wording is fine otherwise."


@pytest.fixture
def reviewed(alice, reviewer):
    """Alice's offer, submitted, checked by Offer Desk, taken on by Carol and sent back."""
    offer = OfferFactory(owner=alice)
    services.submit_offer(offer, actor=alice)
    workflow.transition(offer, OfferStatus.VALIDATING, actor=None)
    workflow.transition(offer, OfferStatus.IN_REVIEW, actor=None)
    services.assign(offer, reviewer=reviewer)
    services.decide(
        offer,
        OfferStatus.CHANGES_REQUESTED,
        reviewer=reviewer,
        reasons=[UPTIME],
        internal_note=NOTE,
    )
    return offer


def who_and_changes(html):
    """(who, from, to) for each entry of the rendered history, in page order."""
    history = html.split('id="timeline-title"')[1]
    entries = history.split('<li class="timeline__event">')[1:]
    return [
        (
            entry.split('<strong class="timeline__who">')[1].split("</strong>")[0],
            [part.split("</span>")[0] for part in entry.split('<span class="badge badge--')[1:]],
        )
        for entry in entries
    ]


def test_the_publisher_sees_the_history_newest_first_without_internal_notes(alice_client, reviewed):
    html = alice_client.get(reverse("offers:detail", kwargs={"pk": reviewed.pk})).content.decode()

    assert who_and_changes(html) == [
        ("A reviewer", ['in_review">In review', 'changes_requested">Changes requested']),
        ("Offer Desk", ['validating">Being checked', 'in_review">In review']),
        ("Offer Desk", ['submitted">Submitted', 'validating">Being checked']),
        ("You", ['draft">Draft', 'submitted">Submitted']),
    ]
    assert f"<li><strong>An uptime of at least 99.9%</strong>: {UPTIME[1]}</li>" in html
    assert NOTE not in html
    assert "carol@example.com" not in html
    assert "Took the offer on for review." not in html


def test_reviewers_see_the_assignment_the_member_and_the_internal_note(
    client, reviewed, admin_user
):
    client.force_login(admin_user)

    html = client.get(reverse("review:offer", kwargs={"pk": reviewed.pk})).content.decode()

    assert [who for who, _changes in who_and_changes(html)] == [
        "carol@example.com",
        "carol@example.com",
        "Offer Desk",
        "Offer Desk",
        "alice@example.com",
    ]
    assert "Took the offer on for review." in html
    assert f"<strong>Internal note (reviewers only):</strong> {NOTE}" in html


def test_the_reviewer_who_acted_reads_you(reviewer_client, reviewed):
    html = reviewer_client.get(reverse("review:offer", kwargs={"pk": reviewed.pk})).content.decode()

    assert [who for who, _changes in who_and_changes(html)][:2] == ["You", "You"]


def test_each_entry_is_dated_in_the_pages_language(alice_client, reviewed, settings):
    event = OfferEvent.objects.filter(offer=reviewed).latest("created_at", "pk")
    alice_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"

    html = alice_client.get(reverse("offers:detail", kwargs={"pk": reviewed.pk})).content.decode()

    with translation.override("nl"):
        when = formats.date_format(timezone.localtime(event.created_at), "DATETIME_FORMAT")
    assert (
        f'<time datetime="{timezone.localtime(event.created_at).isoformat()}">{when}</time>' in html
    )


def test_the_timeline_query_is_two_queries_however_long_the_history(reviewed, reviewer):
    for number in range(10):
        event = OfferEvent.objects.create(
            offer=reviewed,
            actor=reviewer,
            from_status=OfferStatus.IN_REVIEW,
            to_status=OfferStatus.CHANGES_REQUESTED,
            revision=1,
        )
        ReviewReason.objects.create(event=event, requirement="logos", comment=f"c{number}")

    with CaptureQueriesContext(connection) as captured:
        events = list(queries.timeline(reviewed))
        [(event.actor, list(event.reasons.all())) for event in events]

    assert (len(events), len(captured)) == (15, 2)


def test_the_offer_page_query_count_does_not_grow_with_the_history(alice_client, alice, reviewer):
    def count(offer):
        with CaptureQueriesContext(connection) as captured:
            assert (
                alice_client.get(reverse("offers:detail", kwargs={"pk": offer.pk})).status_code
                == 200
            )
        return len(captured)

    def sent_back(rounds):
        offer = OfferFactory(owner=alice)
        for _round in range(rounds):
            services.submit_offer(offer, actor=alice)
            workflow.transition(offer, OfferStatus.IN_REVIEW, actor=None)
            services.decide(
                offer, OfferStatus.CHANGES_REQUESTED, reviewer=reviewer, reasons=[UPTIME]
            )
        return offer

    assert count(sent_back(5)) == count(sent_back(1))


@pytest.mark.parametrize(
    ("status", "shown"),
    [(OfferStatus.CHANGES_REQUESTED, True), (OfferStatus.IN_REVIEW, False)],
)
def test_edit_and_resubmit_is_offered_while_the_offer_can_be_changed(
    alice_client, alice, reviewer, status, shown
):
    offer = OfferFactory(owner=alice)
    services.submit_offer(offer, actor=alice)
    workflow.transition(offer, OfferStatus.IN_REVIEW, actor=None)
    if status == OfferStatus.CHANGES_REQUESTED:
        services.decide(offer, status, reviewer=reviewer, reasons=[UPTIME])

    html = alice_client.get(reverse("offers:detail", kwargs={"pk": offer.pk})).content.decode()

    assert ("Edit and resubmit</a>" in html) is shown


def test_after_resubmitting_the_old_reasons_leave_the_wizard(alice_client, reviewed, alice):
    services.submit_offer(reviewed, actor=alice)
    workflow.transition(reviewed, OfferStatus.CHANGES_NEEDED, actor=None, reason="Checks.")

    html = alice_client.get(
        reverse("offers:wizard", kwargs={"pk": reviewed.pk, "step": "technical"})
    ).content.decode()

    assert "The reviewer asked for changes on this step" not in html
    assert UPTIME[1] not in html
