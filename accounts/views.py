from allauth.account.utils import perform_login
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views

from accounts import services
from accounts.tokens import invitation_token_generator


class InvitationView(auth_views.PasswordResetConfirmView):
    """The link in an invitation: choose a first password, then go straight in.

    Django's view keeps the token out of the address bar (it moves it to the session) and shows
    the page for a link that no longer works instead of an error."""

    token_generator = invitation_token_generator
    template_name = "accounts/invitation.html"

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        token = self.request.session.pop(INTERNAL_RESET_SESSION_TOKEN, None)
        password = form.cleaned_data["new_password1"]
        try:
            user = services.accept_invitation(
                self.user, token, password, language=self.request.LANGUAGE_CODE
            )
        except services.InvitationInvalid:
            # Used in another tab between showing this form and posting it.
            self.validlink = False
            return self.render_to_response(self.get_context_data())
        messages.success(self.request, _("Your password is set. Welcome to Offer Desk."))
        # Through allauth, as every sign-in: the session is recorded (deactivation ends it).
        landing = "review:dashboard" if user.is_reviewer else "offers:list"
        return perform_login(self.request, user, redirect_url=reverse(landing))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["already_used"] = self.user is not None and self.user.has_usable_password()
        context["lifetime"] = services.invitation_lifetime()
        return context


@login_required
def profile(request):
    """The person's own account: how they sign in. Their organisations' details are on the
    organisation's page."""
    return render(request, "accounts/profile.html", {"two_factor": is_mfa_enabled(request.user)})


def set_language(request):
    """Django's language switch, which also remembers the choice on the account."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and _is_offered(language):
        services.remember_language(request.user, language)
    return response


def _is_offered(language):
    return language in dict(settings.LANGUAGES)
