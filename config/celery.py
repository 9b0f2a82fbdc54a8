"""The Celery app. Its settings come from Django's (the CELERY_ prefix)."""

import os
from pathlib import Path

from celery import Celery
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("offerdesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Each task's log lines carry the id of the request that queued it (config/logs.py).
app.steps["worker"].add(DjangoStructLogInitStep)


@app.on_after_finalize.connect
def _make_broker_folders(sender, **kwargs):
    """The embedded broker (no Redis) passes messages through folders that must exist."""
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        folder = (sender.conf.broker_transport_options or {}).get(key)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
