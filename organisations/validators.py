import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_MPN_ID = re.compile(r"[0-9]{6,10}")
_PUBLISHER_ID = re.compile(r"[a-z0-9][a-z0-9._-]{2,49}")


def validate_mpn_id(value):
    if not value.isascii() or not value.isdigit():
        raise ValidationError(
            _("An MPN ID contains digits only, such as 4512345; “%(value)s” has other characters."),
            code="mpn_not_numeric",
            params={"value": value},
        )
    if not _MPN_ID.fullmatch(value):
        raise ValidationError(
            _("An MPN ID has 6 to 10 digits; this one has %(count)s."),
            code="mpn_length",
            params={"count": len(value)},
        )


def validate_publisher_id(value):
    if not _PUBLISHER_ID.fullmatch(value):
        raise ValidationError(
            _(
                "A publisher ID is 3 to 50 lowercase letters, digits, dots, hyphens or "
                "underscores, starting with a letter or digit, such as “contoso-apps”."
            ),
            code="publisher_id_format",
        )
