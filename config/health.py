"""Health probes for the orchestrator (config/probe.py calls them in the containers).

- /healthz: the process answers; no I/O, so a busy database never gets a web server restarted.
- /readyz: the database, the cache, the Celery broker and the file storage each answer within a
  few seconds: 200 with each one's state, or 503 naming what is down.

The checks are django-health-check's, run concurrently by its view; ours is the broker check
(its Celery check pings workers, which a web server does not need to be ready) and the answer
as one small JSON document.
"""

import asyncio
import dataclasses
import datetime

from celery import current_app
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from health_check.base import HealthCheck
from health_check.checks import Cache, Database, Storage
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from offers.logos import STORAGE_ERRORS

# Long enough for a healthy service under load, short enough for a probe every few seconds.
PROBE_TIMEOUT = datetime.timedelta(seconds=3)


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker takes a connection (Redis, or the file-system broker of `make run`)."""

    timeout = PROBE_TIMEOUT

    def run(self):
        try:
            with current_app.connection_for_write() as connection:
                connection.ensure_connection(
                    max_retries=1, interval_start=0.5, timeout=self.timeout.seconds
                )
        except Exception as error:  # kombu raises its own errors and the transport's
            raise ServiceUnavailable(type(error).__name__) from error


@dataclasses.dataclass
class FileStorage(Storage):
    """Saves, reads and deletes a small file: the local folder, or the object store."""

    timeout = PROBE_TIMEOUT

    def run(self):
        try:
            super().run()
        except STORAGE_ERRORS as error:
            raise ServiceUnavailable(type(error).__name__) from error


@dataclasses.dataclass
class QuickDatabase(Database):
    timeout = PROBE_TIMEOUT


# What /readyz reports, by the name it uses.
PROBES = {
    "database": QuickDatabase,
    "cache": lambda: Cache(timeout=PROBE_TIMEOUT),
    "broker": Broker,
    "storage": FileStorage,
}


@never_cache
def alive(request):
    """GET /healthz: this process serves requests."""
    return JsonResponse({"status": "ok"})


class ReadyView(HealthCheckView):
    """GET /readyz: {"status": "ok" | "unavailable", "checks": {name: "ok" | what is wrong}}."""

    async def get(self, request, *args, **kwargs):
        names = list(PROBES)
        with self.get_executor() as executor:
            results = await asyncio.gather(*(PROBES[name]().get_result(executor) for name in names))
        checks = {
            name: "ok" if result.error is None else str(result.error)
            for name, result in zip(names, results, strict=True)
        }
        down = any(result.error is not None for result in results)
        return JsonResponse(
            {"status": "unavailable" if down else "ok", "checks": checks},
            status=503 if down else 200,
        )


ready = ReadyView.as_view()
