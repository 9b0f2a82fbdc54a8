"""Each answer has one label, its model field's verbose name, and the wizard's form, the
publisher's summary and the reviewer's page all show that one."""

import pytest
from django.urls import reverse
from django.utils import translation

from offers.checklist import REQUIREMENTS, answer_label
from offers.forms import BusinessForm, MarketingForm, PublisherStepForm, TechnicalForm
from offers.steps import STEPS_BY_NAME

pytestmark = pytest.mark.django_db

LABELS = {
    "company_name": "Company name",
    "registration_type": "Registration",
    "mpn_id": "MPN ID",
    "marketplace_publisher_id": "Publisher ID",
    "microsoft_account": "Microsoft account",
    "own_ordering_and_billing": "Own ordering and billing",
    "support_model": "Technical support",
    "licensing_responsibility": "Responsible for licensing",
    "aad_application_id": "Azure AD application (client) ID",
    "aad_sso_consent": "AAD federated SSO with consent",
    "integrations": "Microsoft cloud services",
    "integrations_other": "Other Microsoft cloud service",
    "business_process": "Business process",
    "work_credentials": "Sign-in with work credentials",
    "trial_type": "How customers try it",
    "trial_days": "Free trial period (days)",
    "test_drive_hours": "Test drive duration (hours)",
    "low_configuration": "No or low configuration",
    "support_url": "Support URL",
    "uptime_percent": "Uptime commitment",
    "app_name": "Official app name",
    "description_html": "Description",
    "logos": "Logos",
    "terms_url": "Terms of use URL",
    "privacy_url": "Privacy policy URL",
}
# The answers the publisher attests with a tick: the box is labelled with the whole statement.
ATTESTATIONS = {
    "own_ordering_and_billing",
    "licensing_responsibility",
    "aad_sso_consent",
    "work_credentials",
    "low_configuration",
}


def test_every_answer_of_the_checklist_is_named_by_its_model_field():
    keys = [key for requirement in REQUIREMENTS for key in requirement.answers]

    assert {key: str(answer_label(key)) for key in keys} == LABELS


def test_labels_are_in_the_reader_s_language():
    with translation.override("nl"):
        assert str(answer_label("app_name")) == "Officiële app-naam"
    with translation.override("zh-hant"):
        assert str(answer_label("uptime_percent")) == "執行時間承諾"


@pytest.mark.parametrize(
    ("form_class", "step"),
    [(TechnicalForm, "technical"), (BusinessForm, "business"), (MarketingForm, "marketing")],
)
def test_each_step_asks_with_the_answer_s_label(draft, form_class, step):
    form = form_class(offer=draft)
    asked = {
        key: str(form.fields[field].label)
        for field, key in STEPS_BY_NAME[step].offer_fields.items()
        if key not in ATTESTATIONS
    }

    assert asked == {key: LABELS[key] for key in asked}
    assert asked  # every step asks something with a label


def test_the_publisher_step_asks_with_the_profile_s_labels():
    form = PublisherStepForm()

    assert {name: str(field.label) for name, field in form.fields.items()} == {
        name: LABELS[name] for name in form.fields
    }


def test_the_summary_and_the_reviewer_s_page_name_answers_alike(client, alice, reviewer, in_review):
    client.force_login(alice)
    summary = client.get(reverse("offers:detail", kwargs={"pk": in_review.pk}))
    client.force_login(reviewer)
    review = client.get(reverse("review:offer", kwargs={"pk": in_review.pk}))

    for label in ("Free trial period (days)", "How customers try it", "Uptime commitment"):
        assert f"<dt>{label}</dt>" in review.content.decode()
    for label in ("How customers try it", "Uptime commitment", "Official app name"):
        assert f"<dt>{label}</dt>" in summary.content.decode()
