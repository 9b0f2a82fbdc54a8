"""The daily reminder of overdue offers (review.clock): each active reviewer or admin hears of
the overdue offers assigned to them, and each admin also of those no active reviewer has; each
in their own language, as plain text with an HTML alternative. Nobody hears of nothing.

Sent by review.tasks.send_review_reminders every morning (config.settings, the beat schedule).
"""

import logging
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.models import REVIEWER_ROLES, Role
from offers.notifications import absolute_url, recipient_language
from offers.queries import AWAITING_REVIEW, review_queue
from review.clock import ReviewClock

logger = logging.getLogger(__name__)

# A claim outlives its day, so that a late redelivery still finds it.
CLAIM_SECONDS = int(timedelta(days=2).total_seconds())


def send_reminders(now=None):
    """E-mail today's reminders; returns how many were sent. A second run on the same day
    (a task delivered twice) sends nothing more, except the reminders that failed before."""
    clock = ReviewClock(now)
    offers = list(overdue_offers(clock))
    if not offers:
        return 0
    sent = 0
    for person in _reviewers():
        mine = [offer for offer in offers if offer.assigned_to_id == person.pk]
        unclaimed = [offer for offer in offers if is_unclaimed(offer)] if _is_admin(person) else []
        if (mine or unclaimed) and _send_once(person, mine, unclaimed, clock):
            sent += 1
    return sent


def overdue_offers(clock):
    """Every overdue offer, oldest submission first, with its organisation and reviewer."""
    return review_queue(statuses=AWAITING_REVIEW, overdue_before=clock.overdue_before)


def is_unclaimed(offer):
    """Nobody will act on it unless an admin does: unassigned, or its reviewer was deactivated
    or is no longer a reviewer."""
    return offer.assigned_to_id is None or not offer.assigned_to.is_reviewer


def _reviewers():
    users = get_user_model().objects.filter(is_active=True, role__in=REVIEWER_ROLES)
    return users.order_by("pk")


def _is_admin(person):
    return person.role == Role.ADMIN


def _send_once(person, mine, unclaimed, clock):
    """Send the person's reminder unless it was sent today. The claim is taken first, so two
    runs at once cannot both send; a failed send gives it back for a later run."""
    claim = f"review-reminder:{clock.today.isoformat()}:{person.pk}"
    if not cache.add(claim, True, timeout=CLAIM_SECONDS):
        return False
    try:
        build_reminder(person, mine, unclaimed, clock).send()
    except OSError as error:  # smtplib's errors are OSErrors, as are refused connections
        cache.delete(claim)
        logger.warning("Review reminder for user %s not sent: %s", person.pk, error)
        return False
    return True


def build_reminder(person, mine, unclaimed, clock):
    """The e-mail, in the person's language, from templates/emails/review_reminder*."""
    language = recipient_language(person)
    with translation.override(language):
        context = _context(mine, unclaimed, clock)
        subject = render_to_string("emails/review_reminder_subject.txt", context)
        body = render_to_string("emails/review_reminder.txt", context)
        html = render_to_string("emails/review_reminder.html", context)
    message = EmailMultiAlternatives(
        # A header holds one line, however the template wraps.
        subject=" ".join(subject.split()),
        body=body,
        to=[person.email],
        headers={"Content-Language": language},
    )
    message.attach_alternative(html, "text/html")
    return message


def _context(mine, unclaimed, clock):
    queue = absolute_url(reverse("review:dashboard"))
    return {
        "target": clock.target,
        "mine": [_item(offer, clock) for offer in mine],
        "unclaimed": [_item(offer, clock) for offer in unclaimed],
        "count": len(mine) + len(unclaimed),
        "mine_url": f"{queue}?assigned=me&overdue=on",
        "queue_url": f"{queue}?overdue=on",
    }


def _item(offer, clock):
    return {
        "offer": offer,
        "days": clock.wait(offer).days,
        "url": absolute_url(reverse("review:offer", kwargs={"pk": offer.pk})),
    }
