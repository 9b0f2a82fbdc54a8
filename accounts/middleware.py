"""The language of a page: the account's own once someone has signed in, else the browser's."""

from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
