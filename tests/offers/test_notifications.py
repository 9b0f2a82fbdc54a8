"""The publisher's news: one e-mail per status change they hear about, in their language, sent
once through Celery after commit, retried on transient SMTP errors; and the news on "My offers"."""

import smtplib
from datetime import timedelta

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from kombu.exceptions import OperationalError

from config import celery_app
from offers import notifications, services, tasks, workflow
from offers.checks import rounds
from offers.models import (
    Check,
    CheckKind,
    CheckStatus,
    Notification,
    NotificationKind,
    OfferStatus,
    ReviewReason,
)
from tests.factories import submitted_offer

pytestmark = pytest.mark.django_db

FLAKY_BACKEND = "tests.offers.test_notifications.FlakyBackend"


class FlakyBackend(EmailBackend):
    """The test outbox behind a mail server that fails with each of `errors` in turn first."""

    errors = []

    def send_messages(self, messages):
        if FlakyBackend.errors:
            raise FlakyBackend.errors.pop(0)
        return super().send_messages(messages)


@pytest.fixture
def smtp_errors(settings):
    """Errors the mail server raises, one per attempt, before it accepts the e-mail."""
    settings.EMAIL_BACKEND = FLAKY_BACKEND
    FlakyBackend.errors = []
    yield FlakyBackend.errors
    FlakyBackend.errors = []


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run what is queued on commit, as a request's commit would: here the e-mail task."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def retries(monkeypatch):
    """The attempts after which the task scheduled a retry. Eager retries run at once, and, as
    on a worker, a retry is not an error raised to whoever queued the task."""
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)
    scheduled = []

    def delay(attempts):
        scheduled.append(attempts)
        return 0

    monkeypatch.setattr(notifications, "retry_delay", delay)
    return scheduled


def approve(offer, reviewer, after_commit):
    with after_commit():
        services.decide(offer, OfferStatus.APPROVED, reviewer=reviewer)
    return Notification.objects.get(offer=offer, kind=NotificationKind.APPROVED)


def status_url(offer):
    return f"http://127.0.0.1:8000/offers/{offer.pk}/"


def lines(message):
    return message.body.splitlines()


def make_news(offer, count):
    """News rows as the transitions leave them, made directly: the e-mails are not the point."""
    kinds = [NotificationKind.SUBMITTED, NotificationKind.CHECKS_FAILED]
    Notification.objects.bulk_create(
        Notification(recipient=offer.created_by, offer=offer, kind=kinds[n % 2])
        for n in range(count)
    )


# What each e-mail says.


def test_submitting_e_mails_a_receipt_with_the_app_name_and_revision(
    draft, alice, mailoutbox, after_commit, monkeypatch
):
    monkeypatch.setattr(rounds, "enqueue", lambda ids: None)  # the checks are not this test's

    with after_commit():
        services.submit_offer(draft, actor=alice)

    [message] = mailoutbox
    assert message.to == ["alice@example.com"]
    assert message.from_email == "Offer Desk <noreply@offerdesk.invalid>"
    assert message.subject == f"We received “{draft.app_name}” (revision 1)"
    assert message.body == (
        "Hello,\n"
        "\n"
        f"We received your offer “{draft.app_name}”, revision 1.\n"
        "\n"
        "We check your logos and links now. When they pass, a reviewer looks at your offer; "
        "you can follow it on its page.\n"
        "\n"
        f"Your offer's page: {status_url(draft)}\n"
        "\n"
        "Offer Desk\n"
    )
    assert Notification.objects.get().emailed_at is not None


def test_a_second_submission_names_its_revision(alice, mailoutbox, after_commit, monkeypatch):
    monkeypatch.setattr(rounds, "enqueue", lambda ids: None)
    offer = submitted_offer(alice, status=OfferStatus.CHANGES_NEEDED, check_status="failed")

    with after_commit():
        services.submit_offer(offer, actor=alice)

    assert [m.subject for m in mailoutbox] == [f"We received “{offer.app_name}” (revision 2)"]


def test_failed_checks_e_mail_each_failed_item_with_its_reason_and_the_status_page(
    alice, mailoutbox, after_commit
):
    offer = submitted_offer(alice, status=OfferStatus.VALIDATING)
    Check.objects.filter(offer=offer, kind=CheckKind.LOGO, subject="40x40").update(
        status=CheckStatus.FAILED,
        message="This logo is 41 × 40 pixels; the 40 × 40 slot needs exactly 40 × 40.",
    )
    last = Check.objects.get(offer=offer, kind=CheckKind.SUPPORT_URL)
    Check.objects.filter(pk=last.pk).update(status=CheckStatus.RUNNING)

    with after_commit():
        rounds.finish(
            last,
            rounds.Outcome(CheckStatus.ERROR, "The site did not answer within 10 seconds."),
        )

    offer.refresh_from_db()
    assert offer.status == OfferStatus.CHANGES_NEEDED
    [message] = mailoutbox
    assert message.subject == f"“{offer.app_name}” did not pass its checks"
    assert lines(message)[2:8] == [
        f"Some checks of your offer “{offer.app_name}”, revision 1, did not pass:",
        "",
        "- Logo (40x40): This logo is 41 × 40 pixels; the 40 × 40 slot needs exactly 40 × 40.",
        "- Support URL (https://contoso.example/support): "
        "The site did not answer within 10 seconds.",
        "",
        "Fix these answers, then submit the offer again. "
        "Its page lists each reason beside the step that holds it.",
    ]
    assert f"Your offer's page: {status_url(offer)}" in lines(message)


def test_changes_requested_e_mails_each_requirement_with_the_reviewers_comment(
    in_review, reviewer, mailoutbox, after_commit
):
    reasons = [
        ("logos", "The 40 × 40 logo is blurry; export it again at that size."),
        ("privacy", "The privacy policy does not mention Dynamics 365 data."),
    ]
    with after_commit():
        services.decide(
            in_review, OfferStatus.CHANGES_REQUESTED, reviewer=reviewer, reasons=reasons
        )

    [message] = mailoutbox
    assert message.subject == f"Changes requested for “{in_review.app_name}”"
    assert lines(message)[2:9] == [
        f"A reviewer asked for changes to your offer “{in_review.app_name}”, revision 1:",
        "",
        "- Logos: The 40 × 40 logo is blurry; export it again at that size.",
        "- Privacy policy: The privacy policy does not mention Dynamics 365 data.",
        "",
        "Make these changes, then submit the offer again. "
        "Each reason is shown on the step that holds it.",
        "",
    ]
    assert f"Your offer's page: {status_url(in_review)}" in lines(message)


def test_a_rejection_e_mails_the_decisions_reason_and_each_requirement(
    in_review, reviewer, mailoutbox, after_commit
):
    with after_commit(), transaction.atomic():
        event = workflow.transition(
            in_review,
            OfferStatus.REJECTED,
            actor=reviewer,
            reason="This app is not built for Dynamics 365.",
        )
        ReviewReason.objects.create(
            event=event, requirement="line_of_business", comment="It is a game."
        )

    [message] = mailoutbox
    assert message.subject == f"“{in_review.app_name}” was rejected"
    assert lines(message)[2:10] == [
        f"A reviewer rejected your offer “{in_review.app_name}”, revision 1, for these reasons:",
        "",
        "This app is not built for Dynamics 365.",
        "",
        "- Line-of-business focus, with sign-in by work credentials: It is a game.",
        "",
        f"Your offer's page: {status_url(in_review)}",
        "",
    ]


def test_approval_e_mails_the_good_news(in_review, reviewer, mailoutbox, after_commit):
    approve(in_review, reviewer, after_commit)

    [message] = mailoutbox
    assert message.subject == f"“{in_review.app_name}” is approved"
    assert message.body == (
        "Hello,\n"
        "\n"
        f"Good news: a reviewer approved your offer “{in_review.app_name}”, revision 1.\n"
        "\n"
        f"Your offer's page: {status_url(in_review)}\n"
        "\n"
        "Offer Desk\n"
    )


def test_the_links_start_with_the_site_url(in_review, reviewer, mailoutbox, after_commit, settings):
    settings.SITE_URL = "https://offers.example.com/"

    approve(in_review, reviewer, after_commit)

    url = f"https://offers.example.com/offers/{in_review.pk}/"
    assert f"Your offer's page: {url}" in lines(mailoutbox[0])
    assert f'<a href="{url}">Open your offer\'s page</a>' in mailoutbox[0].alternatives[0][0]


def test_the_html_part_escapes_what_people_typed(in_review, reviewer, mailoutbox, after_commit):
    comment = "Remove <script>alert(1)</script> & try again."
    with after_commit():
        services.decide(
            in_review,
            OfferStatus.CHANGES_REQUESTED,
            reviewer=reviewer,
            reasons=[("description", comment)],
        )

    [(html, mimetype)] = mailoutbox[0].alternatives
    assert mimetype == "text/html"
    assert (
        "<li><strong>Description in HTML</strong>: "
        "Remove &lt;script&gt;alert(1)&lt;/script&gt; &amp; try again.</li>"
    ) in html
    assert f"- Description in HTML: {comment}" in lines(mailoutbox[0])  # plain text: as typed


def test_withdrawing_sends_no_e_mail(alice, in_review, mailoutbox, after_commit):
    with after_commit():
        services.withdraw(in_review, actor=alice)

    assert mailoutbox == []
    assert Notification.objects.count() == 0


# In the recipient's language.


def test_a_dutch_publisher_gets_the_e_mail_rendered_in_dutch(
    in_review, alice, reviewer, mailoutbox, after_commit
):
    alice.language = "nl"
    alice.save()

    with translation.override("en"):  # the reviewer's page is in English
        approve(in_review, reviewer, after_commit)

    [message] = mailoutbox
    assert message.extra_headers == {"Content-Language": "nl"}
    assert message.message()["Content-Language"] == "nl"
    assert '<html lang="nl">' in message.alternatives[0][0]
    assert translation.get_language() == "en"  # the language around it is restored


def test_without_a_language_of_their_own_the_publisher_gets_the_sites_default(
    in_review, reviewer, mailoutbox, after_commit, settings
):
    settings.LANGUAGE_CODE = "en"

    with translation.override("zh-hant"):  # the reviewer's page is in Chinese
        approve(in_review, reviewer, after_commit)

    assert mailoutbox[0].extra_headers == {"Content-Language": "en"}
    assert '<html lang="en">' in mailoutbox[0].alternatives[0][0]


# Sent once.


def test_a_task_delivered_twice_sends_the_e_mail_once(
    in_review, reviewer, mailoutbox, after_commit
):
    notification = approve(in_review, reviewer, after_commit)

    tasks.send_notification.apply(kwargs={"notification_id": notification.pk})

    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.attempts == 1


def test_a_delivery_while_another_worker_is_sending_sends_nothing(in_review, reviewer, mailoutbox):
    services.decide(in_review, OfferStatus.APPROVED, reviewer=reviewer)  # nothing queued yet
    notification = Notification.objects.get()
    assert notifications.claim(notification.pk) is not None  # the first worker, still sending

    assert notifications.send(notification.pk) is None

    assert mailoutbox == []
    notification.refresh_from_db()
    assert (notification.attempts, notification.emailed_at) == (1, None)


def test_a_send_whose_worker_died_is_taken_again_once_it_is_stale(
    in_review, reviewer, mailoutbox, settings
):
    services.decide(in_review, OfferStatus.APPROVED, reviewer=reviewer)  # nothing queued yet
    long_ago = timezone.now() - timedelta(seconds=settings.NOTIFICATION_SENDING_TIMEOUT_SECONDS + 1)
    Notification.objects.update(claimed_at=long_ago, attempts=1)

    notifications.send(Notification.objects.get().pk)

    assert len(mailoutbox) == 1
    assert Notification.objects.get().attempts == 2


def test_a_notification_that_is_gone_is_quietly_skipped(mailoutbox):
    result = tasks.send_notification.apply(kwargs={"notification_id": 404})

    assert result.successful()
    assert mailoutbox == []


# Retried only when it may help.


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
        smtplib.SMTPConnectError(421, b"Too many connections"),
        smtplib.SMTPResponseException(451, b"Local error in processing"),
        smtplib.SMTPSenderRefused(421, b"Try again later", "noreply@offerdesk.invalid"),
        smtplib.SMTPRecipientsRefused({"alice@example.com": (450, b"Greylisted")}),
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError("timed out"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_a_transient_smtp_error_is_retried_and_the_e_mail_then_sent(
    in_review, reviewer, mailoutbox, after_commit, smtp_errors, retries, error
):
    smtp_errors.append(error)

    notification = approve(in_review, reviewer, after_commit)

    assert [m.subject for m in mailoutbox] == [f"“{in_review.app_name}” is approved"]
    assert retries == [1]
    notification.refresh_from_db()
    assert notification.attempts == 2
    assert notification.emailed_at is not None
    assert (notification.failed_at, notification.error) == (None, "")


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPResponseException(554, b"Transaction failed"),
        smtplib.SMTPRecipientsRefused({"alice@example.com": (550, b"No such user")}),
        smtplib.SMTPAuthenticationError(535, b"Authentication credentials invalid"),
        smtplib.SMTPNotSupportedError("STARTTLS extension not supported by server."),
    ],
    ids=lambda error: type(error).__name__,
)
def test_a_permanent_smtp_error_is_recorded_and_not_retried(
    in_review, reviewer, mailoutbox, after_commit, smtp_errors, retries, error, caplog, settings
):
    smtp_errors.append(error)

    notification = approve(in_review, reviewer, after_commit)

    assert mailoutbox == []
    assert retries == []
    notification.refresh_from_db()
    assert notification.attempts == 1
    assert notification.emailed_at is None
    assert notification.failed_at is not None
    assert notification.error == str(error)
    logged = [
        (r.levelname, r.getMessage()) for r in caplog.records if r.name == "offers.notifications"
    ]
    assert logged == [("ERROR", f"E-mail {notification.pk} not sent, giving up: {error}")]
    # Nor does the sweeper try it again, however late.
    later = timezone.now() + timedelta(days=1)
    assert notifications.sweep(now=later) == (0, 0)
    assert mailoutbox == []


def test_transient_errors_are_retried_up_to_the_limit_then_given_up(
    in_review, reviewer, mailoutbox, after_commit, smtp_errors, retries, settings
):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    smtp_errors.extend(smtplib.SMTPServerDisconnected("closed") for _ in range(5))

    notification = approve(in_review, reviewer, after_commit)

    assert mailoutbox == []
    assert retries == [1, 2]
    notification.refresh_from_db()
    assert (notification.attempts, notification.error) == (3, "closed")
    assert notification.failed_at is not None


def test_retries_wait_longer_each_time_up_to_a_cap(settings):
    settings.NOTIFICATION_RETRY_CAP_SECONDS = 120

    delays = [notifications.retry_delay(attempt) for attempt in (1, 2, 3, 10)]

    assert 5 <= delays[0] <= 10
    assert 10 <= delays[1] <= 20
    assert 20 <= delays[2] <= 40
    assert 60 <= delays[3] <= 120


# The sweeper.


def broker_down(*args, **kwargs):
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_with_the_broker_down_the_decision_stands_and_the_sweeper_sends_the_e_mail_later(
    in_review, reviewer, mailoutbox, after_commit, monkeypatch, settings
):
    with monkeypatch.context() as broker:
        broker.setattr(tasks.send_notification, "apply_async", broker_down)
        notification = approve(in_review, reviewer, after_commit)

    in_review.refresh_from_db()
    assert in_review.status == OfferStatus.APPROVED
    notification.refresh_from_db()
    assert (notification.queued_at, notification.emailed_at) == (None, None)
    assert mailoutbox == []

    soon = timezone.now() + timedelta(seconds=60)
    assert notifications.sweep(now=soon) == (0, 0)  # it may still be on its way
    later = timezone.now() + timedelta(seconds=settings.NOTIFICATION_PENDING_TIMEOUT_SECONDS + 1)
    assert notifications.sweep(now=later) == (1, 0)

    assert [m.subject for m in mailoutbox] == [f"“{in_review.app_name}” is approved"]
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert notifications.sweep(now=later) == (0, 0)


def test_a_new_e_mail_is_queued_without_a_stamp_and_one_queued_again_is_stamped(
    in_review, reviewer, after_commit, monkeypatch, settings
):
    taken = []
    monkeypatch.setattr(
        notifications.broker,
        "enqueue",
        lambda task, **kwargs: taken.append(kwargs["notification_id"]) or True,
    )

    notification = approve(in_review, reviewer, after_commit)

    notification.refresh_from_db()
    assert taken == [notification.pk]
    assert notification.queued_at is None  # its created_at tells the sweeper when
    later = timezone.now() + timedelta(seconds=settings.NOTIFICATION_PENDING_TIMEOUT_SECONDS + 1)
    assert notifications.sweep(now=later) == (1, 0)
    notification.refresh_from_db()
    assert notification.queued_at is not None


def test_while_the_broker_is_still_down_the_sweeper_stops_at_the_first_refusal(
    in_review, monkeypatch, settings
):
    make_news(in_review, 2)  # never queued
    offered = []

    def refuse(*args, **kwargs):
        offered.append(kwargs["kwargs"]["notification_id"])
        broker_down()

    monkeypatch.setattr(tasks.send_notification, "apply_async", refuse)
    later = timezone.now() + timedelta(seconds=settings.NOTIFICATION_PENDING_TIMEOUT_SECONDS + 1)

    assert notifications.sweep(now=later) == (0, 0)

    assert offered == [Notification.objects.earliest("pk").pk]
    assert Notification.objects.filter(queued_at=None, emailed_at=None).count() == 2


def test_the_sweeper_waits_for_an_e_mail_that_was_queued_or_is_being_sent(
    in_review, reviewer, mailoutbox, settings
):
    services.decide(in_review, OfferStatus.APPROVED, reviewer=reviewer)  # nothing queued yet
    later = timezone.now() + timedelta(seconds=settings.NOTIFICATION_PENDING_TIMEOUT_SECONDS + 1)

    Notification.objects.update(queued_at=later - timedelta(seconds=10))
    assert notifications.sweep(now=later) == (0, 0)  # queued a moment ago

    Notification.objects.update(queued_at=None, claimed_at=later - timedelta(seconds=10))
    assert notifications.sweep(now=later) == (0, 0)  # a worker is sending it

    assert mailoutbox == []


def test_the_sweeper_gives_up_on_an_e_mail_that_used_every_attempt(
    in_review, reviewer, mailoutbox, settings
):
    services.decide(in_review, OfferStatus.APPROVED, reviewer=reviewer)  # nothing queued yet
    Notification.objects.update(attempts=settings.NOTIFICATION_MAX_ATTEMPTS)
    later = timezone.now() + timedelta(seconds=settings.NOTIFICATION_SENDING_TIMEOUT_SECONDS + 1)

    assert notifications.sweep(now=later) == (0, 1)

    assert Notification.objects.get().failed_at == later
    assert mailoutbox == []


def test_the_beat_task_sweeps_the_e_mails(in_review, reviewer, mailoutbox):
    services.decide(in_review, OfferStatus.APPROVED, reviewer=reviewer)  # nothing queued yet
    Notification.objects.update(created_at=timezone.now() - timedelta(hours=1))

    assert tasks.sweep_notifications.apply().get() == (1, 0)

    assert len(mailoutbox) == 1


# The news on "My offers".


LIST_URL = reverse("offers:list")


def news_item(notification):
    offer = notification.offer
    return (
        f'<a href="/offers/{offer.pk}/">{offer.app_name}</a> '
        f'<span class="badge badge--news-{notification.kind}">'
        f"{notification.get_kind_display()}</span>"
    )


def test_my_offers_shows_the_publishers_news_newest_first(
    alice_client, in_review, reviewer, after_commit
):
    other = submitted_offer(in_review.created_by)
    with after_commit():
        services.decide(
            in_review, OfferStatus.CHANGES_REQUESTED, reviewer=reviewer, reasons=[("logos", "x")]
        )
        services.decide(other, OfferStatus.APPROVED, reviewer=reviewer)

    response = alice_client.get(LIST_URL)

    approved, changes = Notification.objects.order_by("-pk")
    assert [row.notification for row in response.context["news"]] == [approved, changes]
    html = response.content.decode()
    assert '<h2 id="news-title">Recent news</h2>' in html
    assert html.index(news_item(approved)) < html.index(news_item(changes))


def test_my_offers_shows_only_the_latest_ten(alice_client, alice, in_review):
    make_news(in_review, 12)

    response = alice_client.get(LIST_URL)

    latest = list(Notification.objects.order_by("-created_at", "-pk")[:10])
    assert [row.notification for row in response.context["news"]] == latest


@pytest.mark.parametrize("who", ["bob", "reviewer", "admin_user"])
def test_nobody_else_sees_the_publishers_news(client, in_review, request, who):
    make_news(in_review, 2)
    client.force_login(request.getfixturevalue(who))

    response = client.get(LIST_URL)

    assert list(response.context["news"]) == []
    assert "Recent news" not in response.content.decode()


def test_a_publisher_without_news_sees_no_news_section(alice_client, in_review):
    response = alice_client.get(LIST_URL)

    assert list(response.context["news"]) == []
    assert "Recent news" not in response.content.decode()


@pytest.mark.parametrize("count", [1, 12])
def test_my_offers_runs_the_same_queries_however_much_news(
    alice_client, in_review, count, django_assert_num_queries
):
    make_news(in_review, count)

    # The user, their organisations, the offers, the news with their offers; the session comes
    # from the cache.
    with django_assert_num_queries(4):
        response = alice_client.get(LIST_URL)

    assert len(response.context["news"]) == min(count, 10)
