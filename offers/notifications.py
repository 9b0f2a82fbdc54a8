"""News about an offer for every member of its organisation: a row each, shown on "My offers",
and one e-mail for it to each member who wants that kind of news by e-mail.

The row is written in the same transaction as the status change that causes it; the e-mail is
queued once that commits (offers.tasks.send_notification, through offers.broker), and sent at
most once by `send`.
A row whose e-mail was never queued or never sent is queued again by `sweep`.
"""

import logging
import random
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from offers import broker
from offers.models import Check, Notification, NotificationKind, OfferStatus
from organisations.models import Membership
from webhooks import services as webhooks

logger = logging.getLogger(__name__)

# Which status change the publisher hears about, and as what.
NEWS_FOR_STATUS = {
    OfferStatus.SUBMITTED: NotificationKind.SUBMITTED,
    OfferStatus.CHANGES_NEEDED: NotificationKind.CHECKS_FAILED,
    OfferStatus.CHANGES_REQUESTED: NotificationKind.CHANGES_REQUESTED,
    OfferStatus.REJECTED: NotificationKind.REJECTED,
    OfferStatus.APPROVED: NotificationKind.APPROVED,
}
# The member's choice (a Membership field) that decides whether each kind is e-mailed.
EMAIL_CHOICE = {
    NotificationKind.SUBMITTED: "email_receipts",
    NotificationKind.CHECKS_FAILED: "email_checks_failed",
    NotificationKind.CHANGES_REQUESTED: "email_decisions",
    NotificationKind.REJECTED: "email_decisions",
    NotificationKind.APPROVED: "email_decisions",
}
# Rows the sweeper queues again in one run: a long broker outage drains over a few minutes.
SWEEP_BATCH = 200


def notify_status_change(offer, event):
    """Inside the transition's transaction: a news row for each active member, and the
    e-mails they want after commit. Returns the rows."""
    webhooks.status_changed(offer, event)
    kind = NEWS_FOR_STATUS.get(event.to_status)
    if kind is None:
        return []
    members = Membership.objects.filter(organisation_id=offer.organisation_id, user__is_active=True)
    news = Notification.objects.bulk_create(
        Notification(
            recipient_id=member.user_id,
            offer=offer,
            event=event,
            kind=kind,
            email_wanted=getattr(member, EMAIL_CHOICE[kind]),
        )
        for member in members.order_by("pk")
    )
    for notification in news:
        if notification.email_wanted:
            transaction.on_commit(lambda pk=notification.pk: queue_email(pk))
    return news


def queue_email(notification_id, *, stamp=False):
    """Queue the e-mail. Never raises: with the broker down the row stays unqueued and the
    sweeper queues it later. Returns whether the broker took it.

    A new row is not stamped: its created_at says when it was queued, and the sweeper counts
    from it while queued_at is empty, which spares every status change an UPDATE. The sweeper
    `stamp`s what it queues again."""
    if not broker.enqueue("offers.tasks.send_notification", notification_id=notification_id):
        return False
    if stamp:
        Notification.objects.filter(pk=notification_id).update(queued_at=timezone.now())
    return True


# Sending.


def send(notification_id):
    """E-mail one piece of news, at most once however often the task is delivered. Returns
    the attempts made when a transient error calls for another try after a pause; None when
    the e-mail is sent, given up, or not this task's to send."""
    notification = claim(notification_id)
    if notification is None:
        return None
    try:
        build_email(notification).send()
    except OSError as error:  # smtplib's errors are OSErrors, as are refused connections
        return _record_failure(notification, error)
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now(), error="")
    return None


def claim(notification_id):
    """Take an unsent row, atomically: a second delivery of the same task finds nothing to
    take while the first is sending. A row held longer than a send can last lost its worker,
    and may be taken again. Returns the row, or None."""
    now = timezone.now()
    held_since = now - timedelta(seconds=settings.NOTIFICATION_SENDING_TIMEOUT_SECONDS)
    claimed = Notification.objects.filter(
        Q(claimed_at=None) | Q(claimed_at__lt=held_since),
        pk=notification_id,
        email_wanted=True,
        emailed_at=None,
        failed_at=None,
    ).update(claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return None
    return Notification.objects.select_related("recipient", "offer", "event").get(
        pk=notification_id
    )


def is_transient(error):
    """Whether trying again later may succeed: a dropped or refused connection, a timeout, or
    a 4xx reply ("try again later", RFC 5321 4.2.1). A 5xx reply is final."""
    if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        # Greylisting refuses with 4xx: only then is the refusal worth another try.
        return all(400 <= code < 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPException):
        return False
    return isinstance(error, OSError)


def _record_failure(notification, error):
    if is_transient(error) and notification.attempts < settings.NOTIFICATION_MAX_ATTEMPTS:
        logger.warning("E-mail %s failed (%s); trying again.", notification.pk, error)
        # Queued again by the task's retry: the sweeper waits its full timeout from now.
        Notification.objects.filter(pk=notification.pk).update(
            claimed_at=None, queued_at=timezone.now(), error=str(error)
        )
        return notification.attempts
    logger.error("E-mail %s not sent, giving up: %s", notification.pk, error)
    Notification.objects.filter(pk=notification.pk).update(
        failed_at=timezone.now(), error=str(error)
    )
    return None


def retry_delay(attempts):
    """Exponential backoff with jitter, capped: about 10, 20, 40 ... seconds, at most the cap."""
    base = min(settings.NOTIFICATION_RETRY_CAP_SECONDS, 5 * 2**attempts)
    return base * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not security


# The e-mail itself.


def recipient_language(user):
    return user.language or settings.LANGUAGE_CODE


def build_email(notification):
    """The e-mail for one piece of news, rendered in the recipient's language: a subject, a
    text body and an HTML alternative from templates/emails/<kind>*."""
    language = recipient_language(notification.recipient)
    with translation.override(language):
        context = email_context(notification)
        subject = render_to_string(f"emails/{notification.kind}_subject.txt", context)
        body = render_to_string(f"emails/{notification.kind}.txt", context)
        html = render_to_string(f"emails/{notification.kind}.html", context)
    message = EmailMultiAlternatives(
        # A header holds one line, however the template wraps.
        subject=" ".join(subject.split()),
        body=body,
        to=[notification.recipient.email],
        headers={"Content-Language": language},
    )
    message.attach_alternative(html, "text/html")
    return message


def email_context(notification):
    offer, event = notification.offer, notification.event
    context = {
        "offer": offer,
        "event": event,
        "revision": event.revision if event else offer.revision,
        "status_url": absolute_url(reverse("offers:detail", kwargs={"pk": offer.pk})),
    }
    if notification.kind == NotificationKind.CHECKS_FAILED:
        context["failed_checks"] = failed_checks(offer, context["revision"])
    if notification.kind in (NotificationKind.CHANGES_REQUESTED, NotificationKind.REJECTED):
        context["reasons"] = event.reasons.all() if event else []
    return context


def absolute_url(path):
    return settings.SITE_URL.rstrip("/") + path


def failed_checks(offer, revision):
    """The checks of that round that did not pass, in the order the status page lists them."""
    return list(Check.objects.of_round(offer, revision).did_not_pass())


# The sweeper.


def sweep(now=None):
    """Queue again every e-mail not sent and not queued (or retried) for a while: the broker
    was down, or the worker lost it. One that used all its attempts is given up. Returns
    (queued, given_up)."""
    now = now or timezone.now()
    waiting = _waiting(now)
    given_up = waiting.filter(attempts__gte=settings.NOTIFICATION_MAX_ATTEMPTS).update(
        failed_at=now
    )
    ids = waiting.filter(attempts__lt=settings.NOTIFICATION_MAX_ATTEMPTS).order_by("created_at")
    queued = 0
    for notification_id in ids.values_list("pk", flat=True)[:SWEEP_BATCH]:
        if not queue_email(notification_id, stamp=True):
            break  # the broker is still down: the next run tries again
        queued += 1
    return queued, given_up


def _waiting(now):
    pending_since = now - timedelta(seconds=settings.NOTIFICATION_PENDING_TIMEOUT_SECONDS)
    held_since = now - timedelta(seconds=settings.NOTIFICATION_SENDING_TIMEOUT_SECONDS)
    return Notification.objects.annotate(since=Coalesce("queued_at", "created_at")).filter(
        Q(claimed_at=None) | Q(claimed_at__lt=held_since),
        email_wanted=True,
        emailed_at=None,
        failed_at=None,
        since__lt=pending_since,
    )
