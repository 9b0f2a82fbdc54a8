"""The daily reminder of overdue offers: who hears of which offers, in which language, once a
day however often the task is delivered, and nobody who has nothing to hear."""

import smtplib
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from accounts.models import Role
from offers.models import Offer, OfferStatus
from review import reminders, tasks
from tests.factories import UserFactory
from tests.review.test_dashboard import ONE_WEEK, queued

pytestmark = pytest.mark.django_db

# Tuesday 14 May 2024, 07:00 UTC, when the beat sends them: an offer queued on Monday 6 May has
# waited six business days, one more than the target of five.
NOW = datetime(2024, 5, 14, 7, 0, tzinfo=UTC)


def sent():
    """{address: subject} of every e-mail sent."""
    return {message.to[0]: message.subject for message in mail.outbox}


def to(address):
    (message,) = [message for message in mail.outbox if message.to == [address]]
    return message


@pytest.fixture
def erin(db):
    """A second reviewer, who reads Dutch."""
    return UserFactory(email="erin@example.com", role=Role.REVIEWER, language="nl")


@pytest.fixture
def queue(reviewer, erin, admin_user):
    """Overdue: one offer for carol@ (reviewer), one for erin@, one for nobody. Not overdue:
    carol's fresh one, and an old one back with its publisher."""
    offers = {
        "Carol's": queued("Carol's", hour=0),
        "Erin's": queued("Erin's", hour=1),
        "Nobody's": queued("Nobody's", OfferStatus.VALIDATING, hour=2),
        "Fresh": queued("Fresh", hour=ONE_WEEK),
        "Sent back": queued("Sent back", OfferStatus.CHANGES_REQUESTED, hour=3),
    }
    for name, person in [("Carol's", reviewer), ("Erin's", erin), ("Fresh", reviewer)]:
        Offer.objects.filter(pk=offers[name].pk).update(assigned_to=person)
    Offer.objects.filter(pk=offers["Sent back"].pk).update(assigned_to=reviewer)
    return offers


def test_each_reviewer_hears_of_their_overdue_offers_and_admins_of_the_unassigned(queue):
    assert reminders.send_reminders(NOW) == 3

    assert sent() == {
        "carol@example.com": "1 overdue offer to review",
        "erin@example.com": "1 te late aanbieding om te beoordelen",  # in her language
        "dave@example.com": "1 overdue offer to review",
    }


def test_the_reminder_lists_each_offer_with_its_publisher_wait_and_link(queue):
    reminders.send_reminders(NOW)

    carol = to("carol@example.com")
    carols = queue["Carol's"]
    link = f"http://127.0.0.1:8000/review/offers/{carols.pk}/"
    assert carol.body == (
        "Hello,\n\n"
        "These offers have waited for a reviewer for more than 5 business days since their "
        "latest submission.\n\n"
        "Assigned to you:\n"
        "- Carol's: Contoso Ltd, waiting 6 business days\n"
        f"  {link}\n\n"
        "Your overdue offers in the queue: "
        "http://127.0.0.1:8000/review/?assigned=me&overdue=on\n\n"
        "Offer Desk\n\n"
    )
    html, kind = carol.alternatives[0]
    assert kind == "text/html"
    assert f'<li><a href="{link}">Carol&#x27;s</a>: Contoso Ltd, waiting 6 business days</li>' in (
        html
    )


def test_admins_hear_of_offers_nobody_has_and_of_their_own(queue, admin_user):
    Offer.objects.filter(app_name="Erin's").update(assigned_to=admin_user)

    reminders.send_reminders(NOW)

    dave = to("dave@example.com")
    assert dave.subject == "2 overdue offers to review"
    assert dave.body.index("Assigned to you:\n- Erin's:") < dave.body.index(
        "No active reviewer has taken these on:\n- Nobody's:"
    )
    assert "Every overdue offer in the queue: http://127.0.0.1:8000/review/?overdue=on" in (
        dave.body
    )


def test_an_offer_whose_reviewer_left_goes_to_the_admins(queue, erin):
    erin.is_active = False
    erin.save(update_fields=["is_active"])

    assert reminders.send_reminders(NOW) == 2

    assert "erin@example.com" not in sent()
    assert to("dave@example.com").body.count("\n- ") == 2  # Erin's and Nobody's


def test_each_reminder_is_in_its_reader_s_language(queue, admin_user):
    admin_user.language = "zh-hant"
    admin_user.save(update_fields=["language"])

    reminders.send_reminders(NOW)

    erin, dave = to("erin@example.com"), to("dave@example.com")
    assert (erin.extra_headers["Content-Language"], erin.body.splitlines()[0]) == ("nl", "Hallo,")
    assert (dave.extra_headers["Content-Language"], dave.body.splitlines()[0]) == (
        "zh-hant",
        "您好：",
    )
    assert '<html lang="nl">' in erin.alternatives[0][0]


def test_nobody_is_mailed_when_nothing_is_overdue(reviewer, admin_user, django_assert_num_queries):
    Offer.objects.filter(pk=queued("Fresh", hour=ONE_WEEK).pk).update(assigned_to=reviewer)

    with django_assert_num_queries(1):
        assert reminders.send_reminders(NOW) == 0

    assert mail.outbox == []


def test_reviewers_with_nothing_overdue_and_inactive_admins_are_not_mailed(queue):
    UserFactory(email="idle@example.com", role=Role.REVIEWER)
    UserFactory(email="former@example.com", role=Role.ADMIN, is_active=False)

    reminders.send_reminders(NOW)

    assert sorted(sent()) == ["carol@example.com", "dave@example.com", "erin@example.com"]


def test_the_queries_do_not_grow_with_the_offers_or_the_reviewers(queue, django_assert_num_queries):
    for number in range(10):
        person = UserFactory(email=f"r{number}@example.com", role=Role.REVIEWER)
        Offer.objects.filter(pk=queued(f"Late {number}", hour=4).pk).update(assigned_to=person)

    # The overdue offers with their organisations and reviewers; the reviewers and admins.
    with django_assert_num_queries(2):
        assert reminders.send_reminders(NOW) == 13


def test_a_second_run_the_same_day_mails_nobody_again(queue):
    reminders.send_reminders(NOW)

    assert reminders.send_reminders(NOW + timedelta(hours=2)) == 0
    assert len(mail.outbox) == 3


def test_the_next_day_everyone_still_late_hears_again(queue):
    reminders.send_reminders(NOW)

    assert reminders.send_reminders(NOW + timedelta(days=1)) == 3
    assert len(mail.outbox) == 6


def test_a_reminder_that_could_not_be_sent_goes_out_on_the_next_run(queue, monkeypatch):
    send = EmailMultiAlternatives.send

    def refuse_erin(message, *args, **kwargs):
        if message.to == ["erin@example.com"]:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse_erin)
    assert reminders.send_reminders(NOW) == 2
    monkeypatch.setattr(EmailMultiAlternatives, "send", send)

    assert reminders.send_reminders(NOW + timedelta(minutes=5)) == 1
    assert sorted(sent()) == ["carol@example.com", "dave@example.com", "erin@example.com"]


def test_the_daily_task_has_a_name_of_its_own_and_sends_the_reminders(queue, monkeypatch):
    # The task asks for today's reminders; today is NOW.
    monkeypatch.setattr(reminders, "send_reminders", partial(reminders.send_reminders, NOW))

    tasks.send_review_reminders.delay()
    tasks.send_review_reminders.delay()  # delivered twice

    assert tasks.send_review_reminders.name == "review.tasks.send_review_reminders"
    assert len(mail.outbox) == 3
