"""Requests to the API act as an organisation, by one of its keys (organisations.ApiKey):
`Authorization: Bearer <key>`. No session and no cookie: CSRF does not apply."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions, permissions

from organisations import services
from organisations.models import ApiKey, KeyScope


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the key as “Authorization: Bearer <key>”, with nothing after it.")
            )
        key = services.key_for(header[1].decode("latin-1"))
        if key is None:
            raise exceptions.AuthenticationFailed(_("This API key is unknown or was revoked."))
        # The organisation acts, not a person: the key's maker may have left since.
        return (None, key)

    def authenticate_header(self, request):
        # A 401, not a 403, for a request without a key, with the scheme to use.
        return self.keyword


class HasOrganisationKey(permissions.BasePermission):
    """A working key of an organisation; a read key may only read."""

    message = _("This API key may only read: make a key with the scope “Read and write”.")

    def has_permission(self, request, view):
        key = request.auth
        if not isinstance(key, ApiKey):
            raise exceptions.NotAuthenticated(
                _("Send an API key as “Authorization: Bearer <key>”.")
            )
        return request.method in permissions.SAFE_METHODS or key.scope == KeyScope.WRITE
