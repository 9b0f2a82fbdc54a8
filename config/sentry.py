"""Optional error reporting: with SENTRY_DSN set, unhandled errors and error log lines of Django
and Celery go to Sentry (or anything that speaks its protocol); without it nothing is loaded."""

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration


def start(dsn, *, environment):
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[
            DjangoIntegration(),
            CeleryIntegration(),
            # Error lines become events; the rest stays in the logs (stdout).
            LoggingIntegration(event_level="ERROR"),
        ],
        # No e-mail addresses, IP addresses or cookies leave the portal.
        send_default_pii=False,
        # Errors only: no performance tracing unless an operator asks for it.
        traces_sample_rate=0.0,
    )
