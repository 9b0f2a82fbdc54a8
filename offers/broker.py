"""Handing background work to Celery: the one place that queues a task, of offers.tasks or of
webhooks.tasks.

The checks, the notifications and the webhooks queue their work here, once their rows are
committed; each has a sweeper that queues again whatever the broker did not take.
"""

import logging

from django.utils.module_loading import import_string
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def enqueue(task_path, *, countdown=None, **kwargs):
    """Queue the task at `task_path` ("offers.tasks.check_url") with these keyword arguments,
    after `countdown` seconds if given; returns whether the broker took it. Never raises for a
    broker that cannot be reached: the caller's work is already saved, and its sweeper queues
    it again later. Anything else is a bug and raises."""
    # Imported late: the tasks import the checks, the notifications and the webhooks, which
    # queue through here.
    task = import_string(task_path)
    try:
        task.apply_async(kwargs=kwargs, countdown=countdown, retry=False)
    except (OperationalError, OSError):
        logger.warning(
            "Could not queue %s %s; the sweeper will retry.", task_path, kwargs, exc_info=True
        )
        return False
    return True
