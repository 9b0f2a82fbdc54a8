from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _


class NamedRequiredMessages:
    """A field left empty says which one and what to do, not Django's "This field is
    required.": "Choose an answer for “Registration”." or "Fill in “Company name”."."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        generic = forms.Field.default_error_messages["required"]
        for field in self.fields.values():
            if field.required and field.error_messages.get("required") == generic:
                field.error_messages["required"] = _required_message(field)


def _required_message(field):
    if isinstance(field, forms.ChoiceField):
        return _("Choose an answer for “%(label)s”.") % {"label": field.label}
    return _("Fill in “%(label)s”.") % {"label": field.label}


def read_only(form):
    """The form as a page to read: every field disabled, so that nothing posted changes it."""
    for field in form.fields.values():
        field.disabled = True
    return form


class SignupForm(AllauthSignupForm):
    """allauth's sign-up, safe against the same address signing up twice at once (a double
    click): the second request passed the check for a taken address before the first saved,
    then meets the database's unique constraint. allauth lets that be a server error; it is
    answered as any sign-up with a taken address (the same page, a mail to the owner)."""

    def try_save(self, request):
        try:
            with transaction.atomic():
                return super().try_save(request)
        except IntegrityError:
            self.account_already_exists = True
            return super().try_save(request)


class UniqueEmailMixin:
    """In the admin's forms: e-mail addresses are stored lowercase and belong to one account,
    whatever their case (allauth applies the same rule to sign-ups)."""

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        others = get_user_model().objects.filter(email__iexact=email)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("An account with this e-mail address already exists."), code="duplicate_email"
            )
        return email
