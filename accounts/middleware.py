"""The language of a page (the account's own once someone has signed in, else the browser's),
pages that belong to a signed-in person staying out of every cache, and two-factor
authentication before staff pages."""

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _


class AccountLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (cookie, then Accept-Language), except that a signed-in person
    always gets the language saved on their account, on any device. Must follow
    AuthenticationMiddleware."""

    def process_request(self, request):
        language = _account_language(request)
        if not language:
            return super().process_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def _account_language(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.language:
        return ""
    return user.language if translation.check_for_language(user.language) else ""


class PrivatePagesMiddleware:
    """What a signed-in person is shown is theirs alone: no browser or proxy keeps it (the back
    button after signing out on a shared computer shows nothing). A response that says how it
    may be cached already (a logo) keeps what it says. Must follow AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class StaffTwoFactorMiddleware:
    """Reviewers and admins decide what a marketplace publishes: the review pages (for a
    reviewer) and the admin (for staff) wait until they have set up two-factor authentication,
    and send them to its set-up first. Anyone else gets the page's own answer (403 or 404).
    Must follow AuthenticationMiddleware and MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _needs_a_second_factor(request) and not is_mfa_enabled(request.user):
            messages.info(
                request,
                _(
                    "Reviewers and admins sign in with a second factor. Set up an "
                    "authenticator app now, keep the recovery codes somewhere safe, then go "
                    "back to the page you asked for."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


def _needs_a_second_factor(request):
    user = request.user
    if not user.is_authenticated:
        return False
    if request.path.startswith("/admin/"):
        return user.is_staff
    return request.path.startswith("/review/") and user.is_reviewer
