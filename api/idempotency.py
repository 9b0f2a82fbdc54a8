"""Idempotency-Key (IETF draft "The Idempotency-Key HTTP Header Field"): a POST sent again with
the same key, after a timeout or a dropped connection, gets the first answer again instead of
doing the work twice. Answers are kept for IDEMPOTENCY_SECONDS (a day), per API key.

- The same key with another request (method, path or body) is refused with 422: it is a bug in
  the script, and doing either would be a guess.
- A retry that arrives while the first request is still under way gets 409 with Retry-After.
- An answer of the server's own failure (5xx) is not kept, so the retry does the work.

Written here rather than taken from a package: the maintained ones (django-idempotency-key and
others) key on the session user, not on an API key, and keep no request fingerprint."""

import hashlib
import json
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from api.errors import Refused, error
from api.models import IdempotentRequest

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
# The headers of an answer that a replay repeats.
KEPT_HEADERS = ("ETag", "Location", "Retry-After")
PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=_("Any unique string, such as a UUID: a retry with it gets the first answer."),
)
MAX_LENGTH = 255


def idempotent(view_method):
    """For a view method of a DRF view: with an Idempotency-Key, the first answer is kept and
    replayed; without one, the method simply runs."""

    @wraps(view_method)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None or request.method in SAFE_METHODS:
            return view_method(view, request, *args, **kwargs)
        return _once(view, request, key, lambda: view_method(view, request, *args, **kwargs))

    return wrapper


def _once(view, request, key, run):
    if not key or len(key) > MAX_LENGTH:
        raise Refused(
            [error("invalid", HEADER, _("Send an Idempotency-Key of 1 to 255 characters."))]
        )
    fingerprint = _fingerprint(request)
    claimed = _claim(request.auth, key, fingerprint)
    if not isinstance(claimed, IdempotentRequest):
        return claimed
    try:
        response = run()
    except Exception as exc:  # noqa: BLE001 - the view's own refusal is an answer to keep
        response = view.handle_exception(exc)
    _keep(claimed, response)
    return response


def _claim(api_key, key, fingerprint):
    """The new row of this request, or the answer to give instead of running it."""
    _forget_expired(api_key, key)
    try:
        with transaction.atomic():
            return IdempotentRequest.objects.create(
                api_key=api_key, key=key, fingerprint=fingerprint
            )
    except IntegrityError:
        pass
    first = IdempotentRequest.objects.filter(api_key=api_key, key=key).first()
    if first is None:  # forgotten in between: a retry will be taken as new
        raise _in_progress()
    if first.fingerprint != fingerprint:
        raise Refused(
            [
                error(
                    "idempotency_key_reused",
                    HEADER,
                    _(
                        "This Idempotency-Key was sent with another request. Use a new key for "
                        "each request."
                    ),
                )
            ],
            status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    if first.status_code is None:
        raise _in_progress()
    return _replay(first)


def _in_progress():
    refused = Refused(
        [
            error(
                "idempotency_key_in_use",
                HEADER,
                _("The first request with this Idempotency-Key is still under way; try again."),
            )
        ],
        status.HTTP_409_CONFLICT,
    )
    refused.wait = 1
    return refused


def _keep(claimed, response):
    if response.status_code >= 500:
        claimed.delete()  # the retry should do the work
        return
    claimed.status_code = response.status_code
    claimed.body = json.dumps(response.data, cls=JSONEncoder)
    claimed.headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    claimed.save(update_fields=["status_code", "body", "headers"])


def _replay(first):
    response = Response(json.loads(first.body), status=first.status_code)
    for name, value in first.headers.items():
        response[name] = value
    response[REPLAYED] = "true"
    return response


def _forget_expired(api_key, key):
    IdempotentRequest.objects.filter(
        api_key=api_key, key=key, created_at__lt=_oldest_kept()
    ).delete()


def _oldest_kept():
    return timezone.now() - timedelta(seconds=settings.IDEMPOTENCY_SECONDS)


def forget_expired():
    """Delete every answer older than a day (the beat runs this hourly). Returns how many."""
    deleted, _by_model = IdempotentRequest.objects.filter(created_at__lt=_oldest_kept()).delete()
    return deleted


def _fingerprint(request):
    """Method, path and body. A multipart body counts by its fields and files' bytes, not by
    its random boundary, which a client makes anew for each attempt."""
    digest = hashlib.sha256(f"{request.method} {request.get_full_path()}".encode())
    if request.content_type.startswith("multipart/"):
        for name, value in sorted(request.data.items()):
            digest.update(name.encode())
            if hasattr(value, "chunks"):
                for chunk in value.chunks():
                    digest.update(chunk)
                value.seek(0)
            else:
                digest.update(str(value).encode())
    else:
        digest.update(request.body)
    return digest.hexdigest()
