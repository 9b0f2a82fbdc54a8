"""The seed page's prerequisites as a reviewer's checklist.

Each requirement belongs to a section of the seed page (business, technical, marketing), is
answered on one wizard step, and covers some answers of a revision snapshot
(offers.services.snapshot_answers). A reviewer who asks for changes or rejects names the
requirements that are not met; the publisher reads each reason on the step that holds it.
Each answer's label is the verbose name of the model field that keeps it (answer_label).
"""

from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import field_label
from offers.models import Logo, Offer
from organisations.models import Organisation


@dataclass(frozen=True)
class Requirement:
    key: str
    section: str
    step: str
    label: str
    answers: tuple[str, ...]


SECTIONS = (
    ("business", _("Business requirements")),
    ("technical", _("Technical requirements")),
    ("marketing", _("Marketing assets")),
)

REQUIREMENTS = (
    Requirement(
        "registration",
        "business",
        "publisher",
        _("Registered in the Microsoft Partner Network or as a marketplace publisher"),
        ("company_name", "registration_type", "mpn_id", "marketplace_publisher_id"),
    ),
    Requirement(
        "microsoft_account",
        "business",
        "publisher",
        _("One Microsoft account for all of the publisher's offers"),
        ("microsoft_account",),
    ),
    Requirement(
        "ordering_billing",
        "business",
        "business",
        _("Own ordering and billing"),
        ("own_ordering_and_billing",),
    ),
    Requirement(
        "support_model",
        "business",
        "business",
        _("Technical support: free, paid or through a community"),
        ("support_model",),
    ),
    Requirement(
        "licensing",
        "business",
        "business",
        _("Responsible for licensing the software and its third-party dependencies"),
        ("licensing_responsibility",),
    ),
    Requirement(
        "aad_sso",
        "technical",
        "technical",
        _("Azure Active Directory federated single sign-on with consent"),
        ("aad_application_id", "aad_sso_consent"),
    ),
    Requirement(
        "integrations",
        "technical",
        "technical",
        _("Integration with Microsoft cloud services (optional)"),
        ("integrations", "integrations_other"),
    ),
    Requirement(
        "line_of_business",
        "technical",
        "technical",
        _("Line-of-business focus, with sign-in by work credentials"),
        ("business_process", "work_credentials"),
    ),
    Requirement(
        "trial",
        "technical",
        "technical",
        _("A free way to try it"),
        ("trial_type", "trial_days", "test_drive_hours"),
    ),
    Requirement(
        "low_configuration",
        "technical",
        "technical",
        _("No or low configuration"),
        ("low_configuration",),
    ),
    Requirement(
        "support_link",
        "technical",
        "technical",
        _("A customer-support link"),
        ("support_url",),
    ),
    Requirement(
        "uptime",
        "technical",
        "technical",
        _("An uptime of at least 99.9%"),
        ("uptime_percent",),
    ),
    Requirement("app_name", "marketing", "marketing", _("Official app name"), ("app_name",)),
    Requirement(
        "description",
        "marketing",
        "marketing",
        _("Description in HTML"),
        ("description_html",),
    ),
    Requirement("logos", "marketing", "marketing", _("Logos"), ("logos",)),
    Requirement("terms", "marketing", "marketing", _("Terms of use"), ("terms_url",)),
    Requirement("privacy", "marketing", "marketing", _("Privacy policy"), ("privacy_url",)),
)
REQUIREMENTS_BY_KEY = {requirement.key: requirement for requirement in REQUIREMENTS}


def requirements_changed(before, after):
    """The requirements whose answers differ between two snapshots, in checklist order."""
    return [
        requirement
        for requirement in REQUIREMENTS
        if any(before.get(key) != after.get(key) for key in requirement.answers)
    ]


def answer_label(key):
    """The name of one answer (a snapshot key), as the wizard asks for it and the summary and
    the reviewer's page show it: the verbose name of the field that keeps it, on the offer or
    on the organisation. The logos are the offer's Logo rows."""
    if key == "logos":
        return capfirst(Logo._meta.verbose_name_plural)
    try:
        return field_label(Offer, key)
    except FieldDoesNotExist:
        return field_label(Organisation, key)
