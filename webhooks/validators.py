"""What an endpoint's URL must be: the rules every door that registers one validates with."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from offers.checks import url as url_rules


def validate_endpoint_url(url):
    """https (http too where private networks are allowed: on premises and in tests), and the
    SSRF rules of the URL checks, read from the URL alone; its name is resolved, and its
    addresses judged, each time a message is sent."""
    allow_private = settings.URLCHECK_ALLOW_PRIVATE_NETWORKS
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme not in (("https", "http") if allow_private else ("https",)):
        if allow_private:
            message = _("The address must start with https:// or http://.")
        else:
            message = _("The address must start with https://, so that every message is encrypted.")
        raise ValidationError(message, code="scheme")
    refused = url_rules.refusal(
        url, allow_private=allow_private, ports=settings.URLCHECK_ALLOWED_PORTS
    )
    if refused:
        # The rules' own words (offers.checks.url, in English), in the reader's language.
        template = getattr(refused, "template", str(refused))
        params = getattr(refused, "params", None) or None
        raise ValidationError(_(template), code="address_refused", params=params)
