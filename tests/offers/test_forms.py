"""Every field of every offer step: what is accepted, and the error that names the field."""

from decimal import Decimal

import pytest

from offers.forms import BusinessForm, MarketingForm, TechnicalForm
from tests.factories import LogoFactory, OfferFactory, png_upload

pytestmark = pytest.mark.django_db

TECHNICAL = {
    "aad_application_id": "0f8fad5b-d9cb-469f-a165-70867728950e",
    "aad_sso_consent": "on",
    "business_process": "Route planning.",
    "work_credentials": "on",
    "trial_type": "get_it_now",
    "low_configuration": "on",
    "support_url": "https://alice.example/support",
    "uptime_percent": "99.9",
}


@pytest.fixture
def blank_offer(alice):
    return OfferFactory(owner=alice, with_logos=False)


def technical(offer, **changes):
    data = {**TECHNICAL, **changes}
    form = TechnicalForm(data={k: v for k, v in data.items() if v is not None}, offer=offer)
    form.is_valid()
    return form


def test_a_complete_technical_step_is_valid(blank_offer):
    form = technical(blank_offer)

    assert form.errors == {}
    assert form.cleaned_data["trial_days"] is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "aad_application_id",
            "not-a-guid",
            "Enter the application (client) ID as a GUID: 32 hexadecimal digits in groups of "
            "8-4-4-4-12, as the Azure portal shows it.",
        ),
        (
            "aad_sso_consent",
            None,
            "The marketplace requires AAD federated single sign-on with consent; confirm that your "
            "app supports it.",
        ),
        (
            "work_credentials",
            None,
            "A line-of-business app lets users sign in with their work credentials; confirm that "
            "yours does.",
        ),
        (
            "low_configuration",
            None,
            "The marketplace requires no or low configuration; confirm that your app meets it.",
        ),
        ("business_process", "", "Fill in “Business process”."),
        (
            "trial_type",
            "pay_first",
            "Select a valid choice. pay_first is not one of the available choices.",
        ),
        ("support_url", "not a url", "Enter a valid URL."),
        ("uptime_percent", "99.89", "The marketplace requires an uptime of at least 99.9%."),
        ("uptime_percent", "100.001", "An uptime cannot be more than 100%."),
        ("uptime_percent", "ninety-nine", "Enter the uptime as a number, such as 99.9."),
    ],
)
def test_a_wrong_technical_answer_is_reported_on_its_field(blank_offer, field, value, message):
    form = technical(blank_offer, **{field: value})

    assert form.errors == {field: [message]}


@pytest.mark.parametrize("uptime", ["99.9", "99.95", "100"])
def test_uptime_from_the_minimum_to_one_hundred_is_accepted(blank_offer, uptime):
    assert technical(blank_offer, uptime_percent=uptime).errors == {}


@pytest.mark.parametrize(
    ("stored", "shown"), [("99.950", "99.95"), ("99.900", "99.9"), ("100.000", "100")]
)
def test_a_stored_uptime_comes_back_as_the_publisher_typed_it(blank_offer, stored, shown):
    form = TechnicalForm(initial={"uptime_percent": Decimal(stored)}, offer=blank_offer)

    assert form["uptime_percent"].value() == Decimal(shown)
    assert f'value="{shown}"' in str(form["uptime_percent"])


def test_a_posted_uptime_is_shown_back_exactly_as_typed(blank_offer):
    form = technical(blank_offer, uptime_percent="99.9500")

    assert str(form["uptime_percent"]).count('value="99.9500"') == 1


def test_a_free_trial_needs_its_period(blank_offer):
    form = technical(blank_offer, trial_type="free_trial")

    assert form.errors == {"trial_days": ["Enter how many days the free trial lasts."]}


@pytest.mark.parametrize(
    ("days", "error"),
    [
        ("1", None),
        ("365", None),
        ("0", "A free trial lasts at least 1 day."),
        ("366", "A free trial lasts at most 365 days."),
    ],
)
def test_a_free_trial_lasts_1_to_365_days(blank_offer, days, error):
    form = technical(blank_offer, trial_type="free_trial", trial_days=days)

    assert form.errors == ({"trial_days": [error]} if error else {})


@pytest.mark.parametrize(
    ("hours", "error"),
    [
        ("1", None),
        ("24", None),
        ("0", "A test drive lasts at least 1 hour."),
        ("25", "A test drive lasts at most 24 hours."),
        ("2.5", "Enter the duration in whole hours, such as 4."),
    ],
)
def test_a_test_drive_lasts_whole_hours_from_1_to_24(blank_offer, hours, error):
    form = technical(blank_offer, trial_type="test_drive", test_drive_hours=hours)

    assert form.errors == ({"test_drive_hours": [error]} if error else {})


def test_a_test_drive_needs_its_duration(blank_offer):
    form = technical(blank_offer, trial_type="test_drive")

    assert form.errors == {"test_drive_hours": ["Enter how many hours the test drive lasts."]}


def test_periods_that_do_not_apply_to_the_chosen_trial_are_dropped(blank_offer):
    form = technical(blank_offer, trial_type="contact_me", trial_days="999", test_drive_hours="3")

    assert form.errors == {}
    assert (form.cleaned_data["trial_days"], form.cleaned_data["test_drive_hours"]) == (None, None)


def test_other_cloud_service_must_be_named(blank_offer):
    form = TechnicalForm(
        data={**TECHNICAL, "integrations": ["power_bi", "other"]}, offer=blank_offer
    )

    assert form.errors == {
        "integrations_other": ["Name the other Microsoft cloud service, or untick “Other”."]
    }


def test_cloud_integrations_are_optional(blank_offer):
    form = technical(blank_offer)

    assert form.cleaned_data["integrations"] == []


def test_business_step_needs_every_attestation_and_a_support_model(blank_offer):
    form = BusinessForm(data={}, offer=blank_offer)

    assert form.errors == {
        "own_ordering_and_billing": [
            "The marketplace has no commerce; confirm that you handle ordering and billing "
            "yourself."
        ],
        "support_model": ["Choose an answer for “Technical support”."],
        "licensing_responsibility": [
            "Confirm that you take responsibility for licensing your software and its dependencies."
        ],
    }


@pytest.mark.parametrize("support", ["free", "paid", "community"])
def test_support_may_be_free_paid_or_through_a_community(blank_offer, support):
    data = {
        "own_ordering_and_billing": "on",
        "support_model": support,
        "licensing_responsibility": "on",
    }

    assert BusinessForm(data=data, offer=blank_offer).errors == {}


MARKETING = {
    "app_name": "Alice Route Planner",
    "description": "<p>Plans routes.</p>",
    "terms_url": "https://alice.example/terms",
    "privacy_url": "https://alice.example/privacy",
}


def all_logos():
    return {
        f"logo_{w}x{h}": png_upload(w, h) for w, h in ((40, 40), (90, 90), (115, 115), (255, 115))
    }


def marketing(offer, files=None, **changes):
    form = MarketingForm(data={**MARKETING, **changes}, files=files or {}, offer=offer)
    form.is_valid()
    return form


def test_a_complete_marketing_step_is_valid(blank_offer):
    assert marketing(blank_offer, files=all_logos()).errors == {}


def test_every_logo_slot_is_required_until_it_is_stored(blank_offer):
    form = marketing(blank_offer)

    assert form.errors == {
        "logo_40x40": ["Upload the 40 × 40 PNG logo."],
        "logo_90x90": ["Upload the 90 × 90 PNG logo."],
        "logo_115x115": ["Upload the 115 × 115 PNG logo."],
        "logo_255x115": ["Upload the 255 × 115 PNG logo."],
    }


def test_a_stored_logo_is_never_asked_for_again(blank_offer):
    LogoFactory(offer=blank_offer, slot="40x40", width=40, height=40)
    files = all_logos()
    del files["logo_40x40"]

    assert marketing(blank_offer, files=files).errors == {}


def test_a_logo_in_the_wrong_slot_names_both_sizes(blank_offer):
    files = {**all_logos(), "logo_255x115": png_upload(115, 115)}

    assert marketing(blank_offer, files=files).errors == {
        "logo_255x115": [
            "This logo is 115 × 115 pixels; the 255 × 115 slot needs exactly 255 × 115."
        ]
    }


def test_the_app_name_limit_counts_characters_not_bytes(blank_offer):
    fifty_chinese = "客" * 50

    assert marketing(blank_offer, files=all_logos(), app_name=fifty_chinese).errors == {}
    assert marketing(blank_offer, files=all_logos(), app_name="客" * 51).errors == {
        "app_name": ["The app name can have at most 50 characters; this one has 51."]
    }


def test_the_app_name_is_required(blank_offer):
    assert marketing(blank_offer, files=all_logos(), app_name="").errors == {
        "app_name": ["Fill in “Official app name”."]
    }


def test_the_description_is_stored_sanitised(blank_offer):
    form = marketing(
        blank_offer, files=all_logos(), description='<p onclick="x">Hi</p><iframe src="x"></iframe>'
    )

    assert form.cleaned_data["description"] == "<p>Hi</p>"


def test_a_description_with_no_text_left_is_refused(blank_offer):
    form = marketing(blank_offer, files=all_logos(), description="<img src=x><p></p>")

    assert form.errors == {
        "description": ["The description has no text once unsupported HTML is removed."]
    }


def test_the_description_may_have_3000_characters_of_text_not_more(blank_offer):
    at_limit = "<p>" + "a" * 3000 + "</p>"
    over = "<p>" + "a" * 2998 + "</p><p>b b</p>"

    assert marketing(blank_offer, files=all_logos(), description=at_limit).errors == {}
    assert marketing(blank_offer, files=all_logos(), description=over).errors == {
        "description": ["The description has 3001 characters of text; at most 3000 are allowed."]
    }


@pytest.mark.parametrize("field", ["terms_url", "privacy_url"])
def test_legal_urls_must_be_urls(blank_offer, field):
    assert marketing(blank_offer, files=all_logos(), **{field: "javascript:alert(1)"}).errors == {
        field: ["Enter a valid URL."]
    }
