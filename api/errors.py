"""Every refusal as data: {"errors": [{"code", "field", "message"}]}, the message in the
language of Accept-Language. The shape follows Microsoft's ingestion API (a code to act on, what
it concerns, words for a person). DRF's own refusals (401, 403, 404, 405, 415, 429, a body that
is not JSON) are reshaped to it by `handle`, keeping their headers (WWW-Authenticate,
Retry-After).

Our own handler, not drf-standardized-errors: that package names the parts "attr" and "detail",
and the wizard's form errors are not DRF errors anyway (api.answers turns them into these)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler


def error(code, field, message):
    return {"code": code, "field": field, "message": str(message)}


def from_validation_error(field, validation_error):
    """One entry per message of a Django ValidationError, with the code its validator gave."""
    return [error(e.code or "invalid", field, message) for e, message in _parts(validation_error)]


def _parts(validation_error):
    for part in validation_error.error_list:
        message = part.message % part.params if part.params else part.message
        yield part, message


class Refused(exceptions.APIException):
    """A request refused with errors as data; `errors` a list made by `error()`."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(self, errors, status_code=None):
        super().__init__(detail="")
        self.errors = errors
        if status_code is not None:
            self.status_code = status_code


class PreconditionFailed(Refused):
    status_code = status.HTTP_412_PRECONDITION_FAILED


def handle(exc, context):
    """DRF's EXCEPTION_HANDLER: DRF's answer and headers, with the body reshaped."""
    if isinstance(exc, DjangoValidationError):
        exc = Refused(from_validation_error(None, exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, Refused):
        response.data = {"errors": exc.errors}
    else:
        response.data = {"errors": list(_flatten(exc.detail, exc.get_codes(), None))}
    return response


def _flatten(detail, codes, field):
    if isinstance(detail, dict):
        for name, inner in detail.items():
            inner_field = name if field is None else f"{field}.{name}"
            if name == "non_field_errors":
                inner_field = field
            yield from _flatten(inner, codes[name], inner_field)
    elif isinstance(detail, list):
        for inner, code in zip(detail, codes, strict=True):
            yield from _flatten(inner, code, field)
    else:
        yield error(codes or "invalid", field, detail)


NOT_AN_OBJECT = _("Send a JSON object.")
