"""One form per wizard step. Limits come from the offer's requirements profile; each answer's
label is the model field's (offers.checklist.answer_label), and an attestation's box is labelled
with the statement the publisher ticks."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from accounts.forms import NamedRequiredMessages
from offers.checklist import answer_label
from offers.checks.logo import encode_pixels
from offers.models import Integration, SupportModel, TrialType
from offers.renderers import TextsTranslatedOnce
from offers.validators import (
    RemovedMarkup,
    describe_removed_markup,
    description_text_length,
    inspect_logo,
    removed_markup,
    sanitize_description,
    validate_app_name,
)
from organisations.forms import OrganisationForm


def _attestation(label, missing):
    return forms.BooleanField(label=label, error_messages={"required": missing})


class PlainDecimalField(forms.DecimalField):
    """Shows a stored decimal as the publisher typed it: the column keeps three decimals, so
    99.95 would come back as 99.950 when the publisher returns to the step."""

    def prepare_value(self, value):
        if not isinstance(value, Decimal):
            return value  # what was posted, shown back as typed
        return plain_decimal(value)


def plain_decimal(value):
    """A stored decimal without the column's trailing zeros: 99.950 is 99.95, 100.000 is 100."""
    normal = Decimal(value).normalize()
    # normalize() writes 100.000 as 1E+2.
    return normal.quantize(Decimal(1)) if normal == normal.to_integral() else normal


def _set_bounds(field, low, high):
    """Give a number field the profile's range: checked on the server, and hinted to the
    browser when the field is a number input."""
    field.validators += [MinValueValidator(low), MaxValueValidator(high)]
    if getattr(field.widget, "input_type", "") == "number":
        field.widget.attrs.update(min=low, max=high)


class OfferStepForm(TextsTranslatedOnce, NamedRequiredMessages, forms.Form):
    """A wizard step that belongs to one offer, and so to one requirements profile."""

    def __init__(self, *args, offer, **kwargs):
        self.offer = offer
        self.requirements = offer.requirements
        super().__init__(*args, **kwargs)


class PublisherStepForm(TextsTranslatedOnce, OrganisationForm):
    def __init__(self, *args, offer=None, **kwargs):
        super().__init__(*args, **kwargs)


class TechnicalForm(OfferStepForm):
    aad_application_id = forms.UUIDField(
        label=answer_label("aad_application_id"),
        help_text=_(
            "The application (client) ID of your app's Azure Active Directory "
            "registration, a GUID such as 0f8fad5b-d9cb-469f-a165-70867728950e."
        ),
        error_messages={
            "invalid": _(
                "Enter the application (client) ID as a GUID: 32 hexadecimal "
                "digits in groups of 8-4-4-4-12, as the Azure portal shows "
                "it."
            )
        },
    )
    aad_sso_consent = _attestation(
        _(
            "My app allows Azure Active Directory federated single sign-on (AAD federated SSO), "
            "with consent enabled."
        ),
        _(
            "The marketplace requires AAD federated single sign-on with consent; confirm that your "
            "app supports it."
        ),
    )
    integrations = forms.MultipleChoiceField(
        label=answer_label("integrations"),
        choices=Integration.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Optional: tick each one your app integrates with."),
    )
    integrations_other = forms.CharField(
        label=answer_label("integrations_other"),
        max_length=200,
        required=False,
        help_text=_("Only when you tick “Other Microsoft cloud service”."),
    )
    business_process = forms.CharField(
        label=answer_label("business_process"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The well-defined business process or problem your app serves for business "
            "customers (line-of-business focus)."
        ),
    )
    work_credentials = _attestation(
        _("Users sign in with their work credentials (user name and password)."),
        _(
            "A line-of-business app lets users sign in with their work credentials; confirm that "
            "yours does."
        ),
    )
    trial_type = forms.ChoiceField(
        label=answer_label("trial_type"),
        choices=TrialType.choices,
        widget=forms.RadioSelect,
        help_text=_("Customers must be able to use your app free of charge for a limited time."),
    )
    trial_days = forms.IntegerField(
        label=answer_label("trial_days"),
        required=False,
        help_text=_("Only for a free trial: 1 to 365 days."),
        error_messages={
            "min_value": _("A free trial lasts at least %(limit_value)s day."),
            "max_value": _("A free trial lasts at most %(limit_value)s days."),
        },
    )
    test_drive_hours = forms.IntegerField(
        label=answer_label("test_drive_hours"),
        required=False,
        help_text=_("Only for a test drive: 1 to 24 whole hours."),
        error_messages={
            "min_value": _("A test drive lasts at least %(limit_value)s hour."),
            "max_value": _("A test drive lasts at most %(limit_value)s hours."),
            "invalid": _("Enter the duration in whole hours, such as 4."),
        },
    )
    low_configuration = _attestation(
        _(
            "My app is simple and quick to set up: no development or customization is required "
            "(no or low configuration)."
        ),
        _("The marketplace requires no or low configuration; confirm that your app meets it."),
    )
    support_url = forms.URLField(
        label=answer_label("support_url"),
        max_length=500,
        assume_scheme="https",
        help_text=_("The customer-support link where customers can find help."),
    )
    # A text input read in the page's language: "99,9" in Dutch, "99.9" in English. A number
    # input would leave the decimal separator to the browser's own locale.
    uptime_percent = PlainDecimalField(
        label=answer_label("uptime_percent"),
        help_text=_("A percentage, such as 99.95."),
        max_digits=6,
        decimal_places=3,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "invalid": _("Enter the uptime as a number, such as 99.9."),
            "min_value": _("The marketplace requires an uptime of at least %(limit_value)s%%."),
            "max_value": _("An uptime cannot be more than %(limit_value)s%%."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        req = self.requirements
        _set_bounds(self.fields["trial_days"], *req.trial_days)
        _set_bounds(self.fields["test_drive_hours"], *req.test_drive_hours)
        _set_bounds(self.fields["uptime_percent"], req.min_uptime_percent, req.max_uptime_percent)

    def clean(self):
        cleaned = super().clean()
        self._require_when(
            "integrations_other",
            Integration.OTHER in cleaned.get("integrations", []),
            _("Name the other Microsoft cloud service, or untick “Other”."),
        )
        trial = cleaned.get("trial_type")
        self._require_when(
            "trial_days",
            trial == TrialType.FREE_TRIAL,
            _("Enter how many days the free trial lasts."),
        )
        self._require_when(
            "test_drive_hours",
            trial == TrialType.TEST_DRIVE,
            _("Enter how many hours the test drive lasts."),
        )
        return cleaned

    def _require_when(self, field, needed, message):
        """A field that only counts for one choice: required then, emptied otherwise."""
        if not needed:
            self.cleaned_data[field] = self.fields[field].to_python(None)
            self.errors.pop(field, None)
        elif field in self.cleaned_data and self.cleaned_data[field] in (None, ""):
            self.add_error(field, forms.ValidationError(message, code="required"))


class BusinessForm(OfferStepForm):
    own_ordering_and_billing = _attestation(
        _(
            "We use our own ordering and billing infrastructure; the marketplace offers no "
            "commerce."
        ),
        _(
            "The marketplace has no commerce; confirm that you handle ordering and billing "
            "yourself."
        ),
    )
    support_model = forms.ChoiceField(
        label=answer_label("support_model"),
        choices=SupportModel.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "You make technical support available to customers in a commercially reasonable way."
        ),
    )
    licensing_responsibility = _attestation(
        _("We are responsible for licensing our software and its third-party dependencies."),
        _("Confirm that you take responsibility for licensing your software and its dependencies."),
    )


class LogoField(forms.FileField):
    def __init__(self, *, slot, max_bytes, **kwargs):
        self.slot, self.max_bytes = slot, max_bytes
        kwargs.setdefault("label", slot.label)
        # A plain file input: a stored logo is replaced by uploading another, never cleared.
        widget = forms.FileInput(
            attrs={
                "accept": "image/png",
                "data-logo-preview": "",
                "data-width": slot.width,
                "data-height": slot.height,
            }
        )
        super().__init__(widget=widget, **kwargs)

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is not None:
            pixels = inspect_logo(upload, self.slot, self.max_bytes)
            # The copy served in its place, from the pixels just decoded: storing the upload
            # (offers.logos.store) need not open and decode it a second time.
            upload.clean_png = encode_pixels(pixels)
        return upload


class MarketingForm(OfferStepForm):
    app_name = forms.CharField(
        label=answer_label("app_name"),
        validators=[validate_app_name],
        help_text=_("The name customers see in the marketplace."),
        error_messages={
            "max_length": _(
                "The app name can have at most %(limit_value)d "
                "characters; this one has %(show_value)d."
            )
        },
    )
    description = forms.CharField(
        label=answer_label("description_html"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Allowed tags: p, br, b, strong, i, em, ul, ol, li and h1 to h6. Anything "
            "else is removed when you save; the preview shows what will be published."
        ),
    )
    terms_url = forms.URLField(
        label=answer_label("terms_url"), max_length=500, assume_scheme="https"
    )
    privacy_url = forms.URLField(
        label=answer_label("privacy_url"), max_length=500, assume_scheme="https"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What sanitising took out of an accepted description; nothing until one is cleaned.
        self.removed = RemovedMarkup()
        req = self.requirements
        name = self.fields["app_name"]
        name.validators.append(MaxLengthValidator(req.app_name_max_chars))
        name.widget.attrs["maxlength"] = req.app_name_max_chars
        self.stored_logos = {logo.slot: logo for logo in self.offer.logos.all()}
        stored = self.stored_logos
        for slot in req.logo_slots:
            self.fields[self.logo_field_name(slot)] = LogoField(
                slot=slot,
                max_bytes=req.logo_max_bytes,
                required=slot.key not in stored,
                help_text=_("PNG, exactly %(width)s × %(height)s pixels, at most 1 MB.")
                % {"width": slot.width, "height": slot.height},
                error_messages={
                    "required": _("Upload the %(width)s × %(height)s PNG logo.")
                    % {"width": slot.width, "height": slot.height}
                },
            )

    @staticmethod
    def logo_field_name(slot):
        return f"logo_{slot.key}"

    def logo_rows(self):
        """Each slot's field beside the logo already stored for it, if any."""
        return [
            (self[self.logo_field_name(slot)], self.stored_logos.get(slot.key))
            for slot in self.requirements.logo_slots
        ]

    def clean_description(self):
        req = self.requirements
        clean = sanitize_description(self.cleaned_data["description"], req.description_allowed_tags)
        length = description_text_length(clean)
        if length == 0:
            raise forms.ValidationError(
                _("The description has no text once unsupported HTML is removed."),
                code="empty",
            )
        if length > req.description_max_text_chars:
            raise forms.ValidationError(
                _(
                    "The description has %(length)s characters of text; at most %(max)s are "
                    "allowed."
                ),
                code="too_long",
                params={"length": length, "max": req.description_max_text_chars},
            )
        raw = self.cleaned_data["description"]
        self.removed = removed_markup(raw, req.description_allowed_tags)
        return clean

    def removed_notice(self):
        """What saving takes out of the accepted description, in a sentence; "" if nothing."""
        return describe_removed_markup(self.removed)

    def description_preview(self):
        """The description as it would be published: what was just typed, if it passed its
        checks, otherwise what is stored."""
        if self.is_bound and "description" in getattr(self, "cleaned_data", {}):
            return self.cleaned_data["description"]
        return self.offer.description_html

    def refuse_uploads(self, message):
        """Put `message` beside every logo this submission carried: none of them was stored."""
        for slot_key in self.accepted_uploads():
            self.add_error(
                self.logo_field_name(self.requirements.slot(slot_key)),
                forms.ValidationError(message, code="not_stored"),
            )

    def accepted_uploads(self):
        """Logos in this submission that passed their own checks, even if another field failed."""
        return {
            slot.key: self.cleaned_data[name]
            for slot in self.requirements.logo_slots
            if (name := self.logo_field_name(slot)) in self.cleaned_data
            and self.cleaned_data[name] is not None
        }


class ReviewForm(OfferStepForm):
    """The last step has nothing to fill in: posting it asks to submit the offer."""


class WithdrawForm(forms.Form):
    """The publisher takes an offer back: a confirmation, and an optional word why."""

    confirm = forms.BooleanField(
        label=_("Yes, withdraw this offer. It cannot be submitted again afterwards."),
        error_messages={
            "required": _("Tick the box to confirm that you want to withdraw this offer.")
        },
    )
    reason = forms.CharField(
        label=_("Why (optional)"),
        help_text=_("Kept in the offer's history, for you and the reviewers."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
