"""The wizard's steps, in order: a name for the URL, a form, a title, and where data lands."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from offers import forms


@dataclass(frozen=True)
class Step:
    name: str
    form_class: type
    title: str
    # form field -> Offer field; the publisher step writes to the profile instead.
    offer_fields: dict


STEPS = (
    Step("publisher", forms.PublisherStepForm, _("Publisher and registration"), {}),
    Step(
        "technical",
        forms.TechnicalForm,
        _("Technical requirements"),
        {
            name: name
            for name in (
                "aad_application_id",
                "aad_sso_consent",
                "integrations",
                "integrations_other",
                "business_process",
                "work_credentials",
                "trial_type",
                "trial_days",
                "test_drive_hours",
                "low_configuration",
                "support_url",
                "uptime_percent",
            )
        },
    ),
    Step(
        "business",
        forms.BusinessForm,
        _("Business requirements"),
        {
            name: name
            for name in (
                "own_ordering_and_billing",
                "support_model",
                "licensing_responsibility",
            )
        },
    ),
    Step(
        "marketing",
        forms.MarketingForm,
        _("Marketing assets"),
        {
            "app_name": "app_name",
            "description": "description_html",
            "terms_url": "terms_url",
            "privacy_url": "privacy_url",
        },
    ),
    Step("review", forms.ReviewForm, _("Review and submit"), {}),
)
STEPS_BY_NAME = {step.name: step for step in STEPS}
FORM_STEPS = STEPS[:-1]
