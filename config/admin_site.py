"""The Django admin, as admins use it: signed-in people without the admin role get 403, and
admins sign in where everyone does, with their second factor, never on the admin's own form.

Django's own site sends signed-in outsiders to its login page, as if signing in again would
help; here only anonymous visitors are sent to sign in.
"""

from functools import wraps

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
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
        return secure_admin_login(super().login)(request, extra_context)

    def _refuse_signed_in_outsiders(self, request):
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied
