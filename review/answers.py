"""A revision's answers as the reviewer reads them: a checklist per section of the seed page,
each requirement beside what the offer's requirements profile asks, and what changed between
two revisions. Works on snapshots (offers.services.snapshot_answers), not on the live offer,
so the reviewer judges what was submitted even while the publisher edits."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from offers.checklist import REQUIREMENTS, SECTIONS, answer_label, requirements_changed
from offers.models import Integration, SupportModel, TrialType
from offers.templatetags.offer_format import plain_number
from organisations.models import RegistrationType

CHOICE_LABELS = {
    "registration_type": RegistrationType,
    "support_model": SupportModel,
    "trial_type": TrialType,
    "integrations": Integration,
}
# Answers that only apply to some offers: left out when empty rather than shown as "—".
OPTIONAL_ANSWERS = frozenset(
    {"mpn_id", "marketplace_publisher_id", "integrations_other", "trial_days", "test_drive_hours"}
)
# Answers too long or too rich to show as "old → new": the page only says they changed.
RICH_ANSWERS = frozenset({"description_html", "logos"})


@dataclass(frozen=True)
class Answer:
    key: str
    label: str
    text: str  # for display; the template renders description_html and logos itself
    raw: object


@dataclass(frozen=True)
class ChecklistItem:
    requirement: object
    answers: list
    expects: str  # what the requirements profile asks, or ""


@dataclass(frozen=True)
class Change:
    label: str
    before: str | None  # None for a rich answer: only "changed" is said
    after: str | None


def checklist(answers, profile):
    """[(section title, [ChecklistItem, ...]), ...] in the seed page's order."""
    return [
        (
            title,
            [
                ChecklistItem(
                    requirement, _answers_of(requirement, answers), expects(requirement, profile)
                )
                for requirement in REQUIREMENTS
                if requirement.section == section
            ],
        )
        for section, title in SECTIONS
    ]


def _answers_of(requirement, answers):
    return [
        Answer(key, answer_label(key), display(key, answers.get(key)), answers.get(key))
        for key in requirement.answers
        if key not in OPTIONAL_ANSWERS or not _is_empty(answers.get(key))
    ]


def display(key, value):
    """One snapshot value as text in the page's language."""
    if _is_empty(value):
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key in CHOICE_LABELS:
        labels = dict(CHOICE_LABELS[key].choices)
        values = value if isinstance(value, list) else [value]
        return ", ".join(str(labels.get(item, item)) for item in values)
    if key == "uptime_percent":
        return _("%(percent)s%%") % {"percent": _number(value)}
    if key == "logos":
        return ", ".join(sorted(value))
    return str(value)


def _number(value):
    try:
        return plain_number(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)


def _is_empty(value):
    return value is None or value in ("", [], {})


def expects(requirement, profile):
    """What the profile the offer was made under asks of this requirement, in words."""
    if requirement.key == "logos":
        return _("A PNG of exactly %(sizes)s pixels, at most %(max)s each.") % {
            "sizes": ", ".join(f"{slot.width} × {slot.height}" for slot in profile.logo_slots),
            "max": filesizeformat(profile.logo_max_bytes),
        }
    if requirement.key == "uptime":
        return _("At least %(percent)s%%.") % {
            "percent": plain_number(Decimal(profile.min_uptime_percent))
        }
    if requirement.key == "trial":
        return _(
            "A free trial of %(low)s to %(high)s days, or a test drive of %(low_hours)s to "
            "%(high_hours)s hours."
        ) % {
            "low": profile.trial_days[0],
            "high": profile.trial_days[1],
            "low_hours": profile.test_drive_hours[0],
            "high_hours": profile.test_drive_hours[1],
        }
    if requirement.key == "app_name":
        return _("At most %(count)s characters.") % {"count": profile.app_name_max_chars}
    if requirement.key == "description":
        return _("At most %(count)s characters of text; HTML tags allowed: %(tags)s.") % {
            "count": profile.description_max_text_chars,
            "tags": ", ".join(sorted(profile.description_allowed_tags)),
        }
    return ""


def changes(before, after):
    """[(requirement, [Change, ...]), ...]: what changed from one snapshot to the next."""
    return [
        (
            requirement,
            [
                _change(key, before, after)
                for key in requirement.answers
                if before.get(key) != after.get(key)
            ],
        )
        for requirement in requirements_changed(before, after)
    ]


def _change(key, before, after):
    label = answer_label(key)
    if key == "logos":
        old, new = before.get(key) or {}, after.get(key) or {}
        slots = sorted(slot for slot in {*old, *new} if old.get(slot) != new.get(slot))
        return Change(_("Logos replaced: %(slots)s") % {"slots": ", ".join(slots)}, None, None)
    if key in RICH_ANSWERS:
        return Change(label, None, None)
    return Change(label, display(key, before.get(key)), display(key, after.get(key)))
