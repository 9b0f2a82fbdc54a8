from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from offers import services


@shared_task(ignore_result=True)
def clean_wizard_uploads(max_age_hours=None):
    """Periodic: remove temporary wizard uploads of abandoned sessions."""
    hours = max_age_hours or settings.WIZARD_TMP_MAX_AGE_HOURS
    storage = FileSystemStorage(location=settings.WIZARD_TMP_ROOT)
    return services.clean_wizard_uploads(
        storage, older_than=timezone.now() - timedelta(hours=hours)
    )
