from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.debug import sensitive_post_parameters

from accounts import services
from accounts.forms import LoginForm, PublisherProfileForm, SignUpForm, duplicate_email_error
from accounts.tokens import invitation_token_generator

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@sensitive_post_parameters("password1", "password2")
def sign_up(request):
    if request.user.is_authenticated:
        return redirect("offers:list")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_up(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                # The page's language, as LocaleMiddleware chose it: always one of LANGUAGES.
                language=request.LANGUAGE_CODE,
            )
        except IntegrityError:
            # The same address signed up a moment ago, between our check and the insert.
            form.add_error("email", duplicate_email_error())
            return render(request, "accounts/sign_up.html", {"form": form})
        login(request, user, backend=MODEL_BACKEND)
        messages.success(request, _("Welcome to Offer Desk. Start your first offer below."))
        return redirect("offers:list")
    return render(request, "accounts/sign_up.html", {"form": form})


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        services.lift_account_lockout(form.user.email)
        return response


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
        login(self.request, user, backend=MODEL_BACKEND)
        messages.success(self.request, _("Your password is set. Welcome to Offer Desk."))
        return redirect("review:dashboard" if user.is_reviewer else "offers:list")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["already_used"] = self.user is not None and self.user.has_usable_password()
        context["lifetime"] = services.invitation_lifetime()
        return context


@login_required
def profile(request):
    form = PublisherProfileForm(
        request.POST or None, initial=services.publisher_profile_initial(request.user)
    )
    if request.method == "POST" and form.is_valid():
        services.save_publisher_profile(request.user, form.cleaned_data)
        messages.success(request, _("Your publisher profile was saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


def set_language(request):
    """Django's language switch, which also remembers the choice on the account."""
    response = i18n_views.set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and _is_offered(language):
        services.remember_language(request.user, language)
    return response


def _is_offered(language):
    return language in dict(settings.LANGUAGES)
