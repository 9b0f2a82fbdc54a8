"""A revision's answers as the reviewer reads them: a checklist per section of the seed page,
each requirement beside what the offer's requirements profile asks, and what changed between
two revisions. Works on snapshots (offers.services.snapshot_answers), not on the live offer,
so the reviewer judges what was submitted even while the publisher edits."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from offers.checklist import REQUIREMENTS, SECTIONS, answer_label, requirements_changed
from offers.logos import kept_copies
from offers.models import CheckKind, Integration, SupportModel, TrialType
from offers.requirements import LogoSlot
from offers.templatetags.offer_format import plain_number
from organisations.models import RegistrationType
from review.differences import html_text, new_side, old_side, word_diff

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
# Long answers, compared word by word: each as the text to compare. The description's
# markup is left out, so the page never renders either revision's HTML.
WORD_DIFF_ANSWERS = {"description_html": html_text, "business_process": str}
# The answers a URL check looks at: a URL check's kind is the name of the answer it checks.
URL_ANSWERS = frozenset(kind for kind in CheckKind.values if kind != CheckKind.LOGO)
# What a revision's logo in one slot is: its clean copy kept, a logo from before revisions
# kept their copies (offers.services.snapshot_answers), or no logo at all.
KEPT, NOT_KEPT, NO_LOGO = "kept", "not_kept", "none"


@dataclass(frozen=True)
class Answer:
    key: str
    label: str
    text: str  # for display; the template renders description_html and logos itself
    raw: object
    # What the checks found, shown beside the answer: a URL's Check (None until it exists),
    # or for the logos a LogoEvidence per slot.
    evidence: object = None
    checked: bool = False  # whether a check of the round looks at this answer

    @property
    def checked_url(self):
        return self.checked and self.key in URL_ANSWERS


@dataclass(frozen=True)
class LogoEvidence:
    """One logo slot of the reviewer's page: the logo stored now (or None) beside its check."""

    slot: LogoSlot
    logo: object
    check: object


@dataclass(frozen=True)
class ChecklistItem:
    requirement: object
    answers: list
    expects: str  # what the requirements profile asks, or ""


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str
    by_word: bool = False  # a long answer, compared word by word in `segments`
    segments: tuple = ()  # (kind, text) pairs of review.differences.word_diff
    logos: tuple = ()  # a LogoChange for each replaced slot

    @property
    def before_segments(self):
        return old_side(self.segments)

    @property
    def after_segments(self):
        return new_side(self.segments)


@dataclass(frozen=True)
class LogoChange:
    slot: LogoSlot
    before: str  # KEPT, NOT_KEPT or NO_LOGO
    after: str


def checklist(answers, profile, checks=(), logos=()):
    """[(section title, [ChecklistItem, ...]), ...] in the seed page's order, each answer with
    what the round's `checks` found about it (`logos`: the offer's Logo rows)."""
    found = evidence(profile, checks, logos)
    return [
        (
            title,
            [
                ChecklistItem(
                    requirement,
                    _answers_of(requirement, answers, found),
                    expects(requirement, profile),
                )
                for requirement in REQUIREMENTS
                if requirement.section == section
            ],
        )
        for section, title in SECTIONS
    ]


def evidence(profile, checks, logos):
    """{answer key: evidence}: each URL answer its check, and the logos a LogoEvidence for
    every slot the profile asks for."""
    found = {check.kind: check for check in checks if not check.is_logo}
    logo_checks = {check.subject: check for check in checks if check.is_logo}
    stored = {logo.slot: logo for logo in logos}
    found["logos"] = [
        LogoEvidence(slot, stored.get(slot.key), logo_checks.get(slot.key))
        for slot in profile.logo_slots
    ]
    return found


def _answers_of(requirement, answers, found):
    return [
        Answer(
            key,
            answer_label(key),
            display(key, answers.get(key)),
            answers.get(key),
            evidence=found.get(key),
            checked=key in URL_ANSWERS or key == "logos",
        )
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
        return _logos_change(label, before, after)
    if key in WORD_DIFF_ANSWERS:
        text = WORD_DIFF_ANSWERS[key]
        old, new = text(before.get(key) or ""), text(after.get(key) or "")
        return Change(label, old, new, by_word=True, segments=tuple(word_diff(old, new)))
    return Change(label, display(key, before.get(key)), display(key, after.get(key)))


def _logos_change(label, before, after):
    old, new = before.get("logos") or {}, after.get("logos") or {}
    slots = sorted(
        (slot for slot in {*old, *new} if old.get(slot) != new.get(slot)), key=_slot_order
    )
    return Change(
        label,
        display("logos", [slot for slot in slots if slot in old]),
        display("logos", [slot for slot in slots if slot in new]),
        logos=tuple(
            LogoChange(_slot(key), _logo_state(before, key), _logo_state(after, key))
            for key in slots
        ),
    )


def _logo_state(answers, slot):
    if slot not in (answers.get("logos") or {}):
        return NO_LOGO
    return KEPT if slot in kept_copies(answers) else NOT_KEPT


def _slot(key):
    # A slot's key is its size (offers.requirements.LogoSlot.key), so an old revision's slot
    # is known even if no profile asks for it any more.
    width, _x, height = key.partition("x")
    return LogoSlot(int(width), int(height))


def _slot_order(key):
    slot = _slot(key)
    return (slot.width * slot.height, key)
