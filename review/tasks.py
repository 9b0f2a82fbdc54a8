"""Thin tasks of the reviewers' side. Each has an explicit name, which the beat schedule in
config.settings uses: the name stays when a module moves (as in offers.tasks)."""

from celery import shared_task

from review import reminders


@shared_task(name="review.tasks.send_review_reminders", ignore_result=True)
def send_review_reminders():
    """Daily: each reviewer's overdue offers, and the unassigned ones to admins, by e-mail.
    Delivered twice, it mails each person once (review.reminders)."""
    return reminders.send_reminders()
