from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import NamedRequiredMessages
from accounts.models import field_label
from organisations.models import KeyScope, MemberRole, Membership, Organisation, RegistrationType
from organisations.validators import validate_mpn_id, validate_publisher_id


def _label(name):
    return field_label(Organisation, name)


class OrganisationForm(NamedRequiredMessages, forms.Form):
    """Who publishes: the company, its marketplace registration and its one Microsoft account.
    Each label is the organisation field's verbose name, as on every page that shows it."""

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


class InviteForm(NamedRequiredMessages, forms.Form):
    """An owner invites someone by e-mail, with the role they will have."""

    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=MemberRole.choices,
        initial=MemberRole.MANAGER,
        widget=forms.RadioSelect,
        help_text=_(
            "Owners manage members and the organisation's details. Managers edit, submit and "
            "withdraw offers. Marketers edit the marketing step of drafts. Viewers read."
        ),
    )

    def __init__(self, *args, organisation, **kwargs):
        self.organisation = organisation
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if self.organisation.memberships.filter(user__email__iexact=email).exists():
            raise forms.ValidationError(
                _("%(email)s is already a member of %(organisation)s."),
                code="already_member",
                params={"email": email, "organisation": self.organisation.company_name},
            )
        return email


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)


class EmailChoicesForm(forms.ModelForm):
    """Which of the organisation's news a member also receives by e-mail."""

    class Meta:
        model = Membership
        fields = ("email_receipts", "email_checks_failed", "email_decisions")


class ApiKeyForm(NamedRequiredMessages, forms.Form):
    """An owner makes a key for a script: a name that says which, and what it may do."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Which script or system uses it, such as “release pipeline”."),
    )
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=KeyScope.choices,
        initial=KeyScope.READ,
        widget=forms.RadioSelect,
        help_text=_("Read: offers, checks and history. Read and write: also change and submit."),
    )
