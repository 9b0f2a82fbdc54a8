"""The language of a page (the account's own once someone has signed in, else the browser's), and
pages that belong to a signed-in person staying out of every cache."""

from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers


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
