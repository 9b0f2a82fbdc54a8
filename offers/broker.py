"""Handing background work to Celery: the one place that queues a task of offers.tasks.

The checks and the notifications queue their work here, once their rows are committed; each
has a sweeper that queues again whatever the broker did not take.
"""

import logging

from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def enqueue(task_name, **kwargs):
    """Queue offers.tasks.<task_name> with these keyword arguments; returns whether the broker
    took it. Never raises for a broker that cannot be reached: the caller's work is already
    saved, and its sweeper queues it again later. Anything else is a bug and raises."""
    # Late: offers.tasks imports the checks and the notifications, which queue through here.
    from offers import tasks  # noqa: PLC0415 - see the line above

    try:
        getattr(tasks, task_name).apply_async(kwargs=kwargs, retry=False)
    except (OperationalError, OSError):
        logger.warning(
            "Could not queue %s %s; the sweeper will retry.", task_name, kwargs, exc_info=True
        )
        return False
    return True
