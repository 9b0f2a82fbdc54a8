"""The publisher's news about their offer: a row shown on "My offers", and one e-mail for it.

The row is written in the same transaction as the status change that causes it; the e-mail is
queued once that commits (offers.tasks.send_notification).
"""

from contextlib import suppress

from django.db import transaction

from offers.models import Notification, NotificationKind, OfferStatus

# Which status change the publisher hears about, and as what.
NEWS_FOR_STATUS = {
    OfferStatus.SUBMITTED: NotificationKind.SUBMITTED,
    OfferStatus.CHANGES_NEEDED: NotificationKind.CHECKS_FAILED,
    OfferStatus.CHANGES_REQUESTED: NotificationKind.CHANGES_REQUESTED,
    OfferStatus.REJECTED: NotificationKind.REJECTED,
    OfferStatus.APPROVED: NotificationKind.APPROVED,
}


def notify_status_change(offer, event):
    """Inside the transition's transaction: the news row, and its e-mail after commit."""
    kind = NEWS_FOR_STATUS.get(event.to_status)
    if kind is None:
        return None
    notification = Notification.objects.create(
        recipient_id=offer.owner_id, offer=offer, event=event, kind=kind
    )
    transaction.on_commit(lambda: queue_email(notification.pk))
    return notification


def queue_email(notification_id):
    """Queue the e-mail. Never raises: with the broker down the sweeper sends it later."""
    from kombu.exceptions import OperationalError

    from offers import tasks

    with suppress(OperationalError, OSError):
        tasks.send_notification.apply_async(
            kwargs={"notification_id": notification_id}, retry=False
        )
