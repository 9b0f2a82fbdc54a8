"""Thin tasks: take ids, delegate to webhooks.delivery, and return quietly when there is
nothing to do. They are queued through offers.broker; their names are used by the routes and
the beat schedule in config.settings, and stay when a module moves."""

from celery import shared_task

from webhooks import delivery


@shared_task(
    name="webhooks.tasks.deliver",
    acks_late=True,
    ignore_result=True,
    soft_time_limit=30,
    time_limit=45,
)
def deliver(*, delivery_id):
    """POST one attempt of a webhook, once (I/O: runs on the "urls" queue's thread pool)."""
    delivery.attempt(delivery_id)


@shared_task(name="webhooks.tasks.sweep_deliveries", ignore_result=True)
def sweep_deliveries():
    """Periodic: queue the attempts that are due and that no task took."""
    return delivery.sweep()
