from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from accounts import services
from accounts.forms import LoginForm, PublisherProfileForm, SignUpForm, duplicate_email_error


@sensitive_post_parameters("password1", "password2")
def sign_up(request):
    if request.user.is_authenticated:
        return redirect("offers:list")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_up(
                email=form.cleaned_data["email"], password=form.cleaned_data["password1"]
            )
        except IntegrityError:
            # The same address signed up a moment ago, between our check and the insert.
            form.add_error("email", duplicate_email_error())
            return render(request, "accounts/sign_up.html", {"form": form})
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
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
