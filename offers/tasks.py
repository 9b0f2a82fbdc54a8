"""Thin tasks: take ids, delegate to offers.checks.rounds, offers.notifications or offers.logos,
and return quietly when there is nothing to do. Nothing here decides anything, and this module
only imports downward: the code that queues these tasks does it through offers.broker.

Every task has an explicit name, which the routes and the beat schedule in config.settings use:
the names stay when a module moves. (They are the names the tasks had when Celery made them up
from the module path, so that messages already queued still find their task.)

Checks run with acks_late and reject_on_worker_lost: a worker that dies mid-check leaves its
message to be delivered again, and the redelivered task takes its own check back.
"""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from offers import logos, notifications
from offers.checks import rounds

_CHECK_OPTIONS = {"bind": True, "acks_late": True, "reject_on_worker_lost": True}


@shared_task(name="offers.tasks.check_url", **_CHECK_OPTIONS, soft_time_limit=20, time_limit=30)
def check_url(self, *, check_id):
    """One URL of a submitted offer (I/O: runs on the "urls" queue's thread pool)."""
    _run_check(self, check_id)


@shared_task(name="offers.tasks.check_logos", **_CHECK_OPTIONS, soft_time_limit=20, time_limit=30)
def check_logos(self, *, check_ids):
    """The logos of one submission, together: a few milliseconds of CPU each, so one task, one
    claim and one commit serve them all (CPU: runs on the "logos" queue's process pool)."""
    _retry_if_due(self, rounds.run_all(check_ids, self.request.id))


@shared_task(name="offers.tasks.check_logo", **_CHECK_OPTIONS, soft_time_limit=20, time_limit=30)
def check_logo(self, *, check_id):
    """One logo: no longer queued, kept for the messages a deploy finds already queued."""
    _run_check(self, check_id)


def _run_check(task, check_id):
    _retry_if_due(task, rounds.run(check_id, task.request.id))


def _retry_if_due(task, attempts):
    if attempts is not None:
        raise task.retry(countdown=rounds.retry_delay(attempts), max_retries=None)


@shared_task(name="offers.tasks.sweep_checks", ignore_result=True)
def sweep_checks():
    """Periodic: queue again the checks that waited or ran too long."""
    return rounds.sweep()


@shared_task(name="offers.tasks.clean_orphaned_uploads", ignore_result=True)
def clean_orphaned_uploads(max_age_hours=None):
    """Periodic: remove logo files left behind by wizard steps that never committed."""
    hours = max_age_hours or settings.ORPHAN_UPLOAD_MAX_AGE_HOURS
    return logos.clean_orphaned_uploads(
        default_storage, older_than=timezone.now() - timedelta(hours=hours)
    )


@shared_task(
    name="offers.tasks.send_notification",
    bind=True,
    acks_late=True,
    ignore_result=True,
    soft_time_limit=60,
    time_limit=90,
)
def send_notification(self, *, notification_id):
    """E-mail one piece of news, once; a transient SMTP error is tried again after a pause."""
    attempts = notifications.send(notification_id)
    if attempts is not None:
        raise self.retry(countdown=notifications.retry_delay(attempts), max_retries=None)


@shared_task(name="offers.tasks.sweep_notifications", ignore_result=True)
def sweep_notifications():
    """Periodic: queue again the e-mails that were never queued or never sent."""
    return notifications.sweep()
