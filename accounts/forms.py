from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import PublisherProfile, RegistrationType, field_label
from accounts.validators import validate_mpn_id, validate_publisher_id


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


def _label(name):
    return field_label(PublisherProfile, name)


class PublisherProfileForm(NamedRequiredMessages, forms.Form):
    """Who publishes: the company, its marketplace registration and its one Microsoft account.
    Each label is the profile field's verbose name, as on every page that shows it."""

    company_name = forms.CharField(label=_label("company_name"), max_length=200)
    registration_type = forms.ChoiceField(
        label=_label("registration_type"),
        choices=RegistrationType.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "You must be registered in the Microsoft Partner Network (MPN) or be a "
            "registered marketplace publisher."
        ),
    )
    mpn_id = forms.CharField(
        label=_label("mpn_id"),
        required=False,
        max_length=20,
        help_text=_("6 to 10 digits. Required for Microsoft Partner Network members."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    marketplace_publisher_id = forms.CharField(
        label=_label("marketplace_publisher_id"),
        required=False,
        max_length=60,
        help_text=_("Required for registered marketplace publishers."),
    )
    microsoft_account = forms.EmailField(
        label=_label("microsoft_account"),
        help_text=_(
            "The one Microsoft account you use for all of your marketplace offers. It "
            "must not be specific to a single service or offer."
        ),
    )

    def clean_mpn_id(self):
        return self.cleaned_data["mpn_id"].replace(" ", "")

    def clean_marketplace_publisher_id(self):
        return self.cleaned_data["marketplace_publisher_id"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("registration_type")
        if kind == RegistrationType.MPN:
            self._require("mpn_id", validate_mpn_id, _("Enter your MPN ID."))
            cleaned["marketplace_publisher_id"] = ""
        elif kind == RegistrationType.MARKETPLACE:
            self._require(
                "marketplace_publisher_id",
                validate_publisher_id,
                _("Enter your marketplace publisher ID."),
            )
            cleaned["mpn_id"] = ""
        return cleaned

    def _require(self, field, validator, missing_message):
        value = self.cleaned_data.get(field)
        if field in self.errors:
            return
        if not value:
            self.add_error(field, forms.ValidationError(missing_message, code="required"))
            return
        try:
            validator(value)
        except forms.ValidationError as error:
            self.add_error(field, error)
