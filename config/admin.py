"""The Django admin, as admins use it: signed-in people without the admin role get 403.

Django's own site sends them to its login page, as if signing in again would help; here only
anonymous visitors are sent there.
"""

from functools import wraps

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied


class OfferDeskAdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        guarded = super().admin_view(view, cacheable)

        @wraps(view)
        def inner(request, *args, **kwargs):
            self._refuse_signed_in_outsiders(request)
            return guarded(request, *args, **kwargs)

        return inner

    def login(self, request, extra_context=None):
        self._refuse_signed_in_outsiders(request)
        return super().login(request, extra_context)

    def _refuse_signed_in_outsiders(self, request):
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied


class OfferDeskAdminConfig(AdminConfig):
    default_site = "config.admin.OfferDeskAdminSite"
