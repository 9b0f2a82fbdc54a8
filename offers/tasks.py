from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from offers import services


@shared_task(ignore_result=True)
def clean_orphaned_uploads(max_age_hours=None):
    """Periodic: remove logo files left behind by wizard steps that never committed."""
    hours = max_age_hours or settings.ORPHAN_UPLOAD_MAX_AGE_HOURS
    return services.clean_orphaned_uploads(
        default_storage, older_than=timezone.now() - timedelta(hours=hours)
    )
