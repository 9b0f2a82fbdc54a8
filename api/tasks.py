from celery import shared_task

from api import idempotency


@shared_task(name="api.tasks.forget_idempotency_keys")
def forget_idempotency_keys():
    """Drop the answers kept for Idempotency-Key retries once their day is over."""
    return idempotency.forget_expired()
