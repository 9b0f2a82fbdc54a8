"""News about an offer reaches every member of its organisation: a row on each one's "My
offers", and an e-mail to each who wants that kind of news by e-mail."""

import pytest
from django.urls import reverse

from offers import services, workflow
from offers.checks import rounds
from offers.models import Notification, NotificationKind, OfferStatus
from organisations.models import Membership
from tests.factories import submitted_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_checks(monkeypatch):
    monkeypatch.setattr(rounds, "enqueue", lambda ids: None)  # the checks are not the point


def test_a_submission_is_news_for_every_member_and_e_mailed_to_each(
    draft, alice, manager, viewer, mailoutbox, django_capture_on_commit_callbacks, no_checks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_offer(draft, actor=manager)

    recipients = Notification.objects.filter(offer=draft).values_list("recipient__email", "kind")
    assert sorted(recipients) == [
        ("alice@example.com", NotificationKind.SUBMITTED),
        ("mia@example.com", NotificationKind.SUBMITTED),
        ("vic@example.com", NotificationKind.SUBMITTED),
    ]
    assert sorted(message.to[0] for message in mailoutbox) == [
        "alice@example.com",
        "mia@example.com",
        "vic@example.com",
    ]


def resubmit(offer, reviewer):
    services.submit_offer(offer, actor=offer.created_by)


def fail_checks(offer, reviewer):
    workflow.transition(offer, OfferStatus.CHANGES_NEEDED, actor=None)


def approve(offer, reviewer):
    services.decide(offer, OfferStatus.APPROVED, reviewer=reviewer)


@pytest.mark.parametrize(
    ("choice", "status", "news_of", "kind"),
    [
        ("email_receipts", OfferStatus.CHANGES_REQUESTED, resubmit, NotificationKind.SUBMITTED),
        (
            "email_checks_failed",
            OfferStatus.VALIDATING,
            fail_checks,
            NotificationKind.CHECKS_FAILED,
        ),
        ("email_decisions", OfferStatus.IN_REVIEW, approve, NotificationKind.APPROVED),
    ],
)
def test_a_member_who_wants_no_e_mail_of_a_kind_still_sees_the_news(
    alice,
    viewer,
    reviewer,
    mailoutbox,
    django_capture_on_commit_callbacks,
    no_checks,
    choice,
    status,
    news_of,
    kind,
):
    Membership.objects.filter(user=viewer).update(**{choice: False})
    offer = submitted_offer(alice, status=status)

    with django_capture_on_commit_callbacks(execute=True):
        news_of(offer, reviewer)

    news = Notification.objects.filter(offer=offer, kind=kind)
    assert sorted(news.values_list("recipient__email", "email_wanted")) == [
        ("alice@example.com", True),
        ("vic@example.com", False),
    ]
    assert [message.to for message in mailoutbox] == [["alice@example.com"]]


def test_every_member_sees_the_news_on_my_offers(client, in_review, viewer, reviewer):
    services.decide(in_review, OfferStatus.APPROVED, reviewer=reviewer)
    client.force_login(viewer)

    news = client.get(reverse("offers:list")).context["news"]

    assert [(row.notification.offer, row.kind) for row in news] == [
        (in_review, NotificationKind.APPROVED)
    ]


def test_a_deactivated_member_gets_no_news(in_review, viewer, reviewer, mailoutbox):
    viewer.is_active = False
    viewer.save()

    services.decide(in_review, OfferStatus.APPROVED, reviewer=reviewer)

    assert list(Notification.objects.values_list("recipient__email", flat=True)) == [
        "alice@example.com"
    ]
