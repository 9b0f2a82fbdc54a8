"""Logs: one JSON object a line on stdout in production (readable lines with DEBUG on), the same
for Django, Celery and gunicorn, each carrying the request id of the request it belongs to.

django-structlog binds the request id (and the user's id) for the length of a request, passes it
in the headers of every Celery task that request queues, and binds it again in the worker while
the task runs; structlog renders stdlib log records and its own events alike.
"""

import logging

import structlog
from django.core.exceptions import ImproperlyConfigured
from django.dispatch import receiver
from django_structlog import signals as structlog_signals

from config.env import env_str

# Applied to every record, from structlog or from a library's stdlib logger.
SHARED_PROCESSORS = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
    structlog.stdlib.PositionalArgumentsFormatter(),
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.processors.StackInfoRenderer(),
]


def json_wanted(debug):
    """JSON lines in production, readable lines while developing; LOG_FORMAT=json or console
    decides otherwise."""
    chosen = env_str("LOG_FORMAT", "console" if debug else "json")
    if chosen not in ("json", "console"):
        raise ImproperlyConfigured(f"LOG_FORMAT={chosen!r} is neither json nor console.")
    return chosen == "json"


def _renderer(json_output):
    if json_output:
        # The traceback as text: structured tracebacks would carry local variables (secrets).
        return [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
    return [structlog.dev.ConsoleRenderer(colors=False)]


def logging_config(*, level, json_output, extra_loggers=()):
    """A dictConfig for the logging module: everything through one handler on stdout."""
    formatter = {
        "()": structlog.stdlib.ProcessorFormatter,
        "processors": [
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            *_renderer(json_output),
        ],
        "foreign_pre_chain": [*SHARED_PROCESSORS, structlog.stdlib.ExtraAdder()],
    }
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "structured",
        "stream": "ext://sys.stdout",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"structured": formatter},
        "handlers": {"stdout": handler},
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            name: {"handlers": ["stdout"], "level": level, "propagate": False}
            for name in extra_loggers
        },
    }


def configure_structlog():
    """structlog's own loggers (django-structlog's events) hand their events to logging, and
    Python's warnings become log records too, so that nothing reaches stdout unformatted."""
    logging.captureWarnings(True)
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED_PROCESSORS,
            structlog.processors.UnicodeDecoder(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


# What django-structlog's RequestMiddleware leaves to us, through its signals (connected when
# settings import this module): the socket's address (its own would believe any X-Forwarded-For),
# and the request id on the response (X-Request-ID), for a person to quote when they ask for help.


@receiver(structlog_signals.bind_extra_request_metadata)
def bind_socket_address(request, **kwargs):
    structlog.contextvars.bind_contextvars(ip=request.META.get("REMOTE_ADDR"))


@receiver(structlog_signals.bind_extra_request_finished_metadata)
def tell_the_request_id(response, **kwargs):
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    if request_id:
        response["X-Request-ID"] = request_id
