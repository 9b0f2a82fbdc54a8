"""Safe to retry, safe to share: an offer's ETag, and If-Match on every change, so that a
script never overwrites what a person (or another script) saved since it last read the offer.

The ETag is made of what moves on every change: the offer's updated_at (every answer, logo and
status change sets it) and the version of its organisation's details (the publisher step)."""

import hashlib

from django.utils.http import parse_etags
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status

from api.errors import PreconditionFailed, Refused, error
from offers.logos import RETRY_AFTER_SECONDS

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=_("The ETag of the offer as you last read it: refused with 412 if it changed."),
)


def etag(offer):
    stamp = f"{offer.pk}:{offer.updated_at.isoformat()}:{offer.organisation.version}"
    return '"' + hashlib.sha256(stamp.encode()).hexdigest()[:24] + '"'


def ensure_current(request, offer):
    """412 unless If-Match, when sent, names the offer as it is now (or is "*")."""
    sent = request.headers.get("If-Match")
    if sent is None:
        return
    tags = parse_etags(sent)
    # A weak tag compares by its value (RFC 9110 says If-Match should not, but a proxy that
    # compressed the answer made it weak).
    values = {tag.removeprefix("W/") for tag in tags}
    if "*" not in values and etag(offer) not in values:
        raise precondition_failed()


def precondition_failed():
    return PreconditionFailed(
        [
            error(
                "changed",
                None,
                _(
                    "The offer changed after you read it. Read it again (GET), then send your "
                    "change with its new ETag in If-Match."
                ),
            )
        ]
    )


class StoreUnavailable(Refused):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE


def store_unavailable():
    refused = StoreUnavailable(
        [
            error(
                "store_unavailable",
                None,
                _("The file store did not take the logo. Nothing was stored; try again."),
            )
        ]
    )
    refused.wait = RETRY_AFTER_SECONDS  # DRF's handler turns it into Retry-After
    return refused
