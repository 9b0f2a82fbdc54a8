"""A rate limit per API key, so that one organisation's runaway script cannot crowd out the
others: 429 with Retry-After (DRF's own answer) once API_RATE_PER_KEY is spent."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class PerKeyThrottle(SimpleRateThrottle):
    scope = "api_key"

    def get_rate(self):
        # Read at each request, not at import as DRF's default does: settings can change.
        return settings.API_RATE_PER_KEY

    def get_cache_key(self, request, view):
        key = request.auth
        if key is None:
            return None  # refused as unauthenticated anyway
        return self.cache_format % {"scope": self.scope, "ident": key.pk}
