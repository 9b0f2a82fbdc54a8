"""A reviewer's decision: approve, request changes or reject, with a reason per unmet requirement.

The decision form carries its formset of reasons, so a view binds, validates and re-renders them
as one. Approving ignores the reasons; asking for changes or rejecting needs one complete row.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from offers.checklist import REQUIREMENTS, requirement_choices
from offers.models import OfferStatus
from offers.workflow import DECISIONS_WITH_REASONS

DECISION_CHOICES = (
    (OfferStatus.APPROVED, _("Approve")),
    (OfferStatus.CHANGES_REQUESTED, _("Request changes")),
    (OfferStatus.REJECTED, _("Reject")),
)
# Empty rows on the page: enough for most decisions, and no script needed to add more.
EXTRA_REASON_ROWS = 3


class ReasonForm(forms.Form):
    """One requirement that is not met, and what the publisher should do about it."""

    requirement = forms.ChoiceField(
        label=_("Requirement"),
        required=False,
        choices=[("", _("Choose a requirement"))] + requirement_choices(),
    )
    comment = forms.CharField(
        label=_("Comment for the publisher"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        cleaned = super().clean()
        requirement, comment = cleaned.get("requirement"), cleaned.get("comment")
        if comment and not requirement and "requirement" not in self.errors:
            self.add_error(
                "requirement",
                ValidationError(
                    _("Choose the requirement this comment is about."), code="requirement_missing"
                ),
            )
        if requirement and not comment and "comment" not in self.errors:
            self.add_error(
                "comment",
                ValidationError(
                    _("Say what is wrong with this requirement and how to fix it."),
                    code="comment_missing",
                ),
            )
        return cleaned

    @property
    def is_complete(self):
        return bool(self.cleaned_data.get("requirement") and self.cleaned_data.get("comment"))


class BaseReasonFormSet(BaseFormSet):
    # Set by DecisionForm before validation: request changes and reject need a reason.
    reasons_required = False

    def clean(self):
        if any(self.errors):
            return
        keys = [form.cleaned_data["requirement"] for form in self.forms if form.is_complete]
        if len(keys) != len(set(keys)):
            raise ValidationError(
                _("Each requirement can be named once; put all its comments in one row."),
                code="duplicate_requirement",
            )
        if self.reasons_required and not keys:
            raise ValidationError(
                _("Name at least one requirement that is not met, with a comment."),
                code="reason_required",
            )

    def reasons(self):
        """The complete rows as (requirement key, comment) pairs, in page order."""
        return [
            (form.cleaned_data["requirement"], form.cleaned_data["comment"])
            for form in self.forms
            if form.is_complete
        ]


ReasonFormSet = formset_factory(
    ReasonForm,
    formset=BaseReasonFormSet,
    extra=EXTRA_REASON_ROWS,
    max_num=len(REQUIREMENTS),
    validate_max=True,
)


class DecisionForm(forms.Form):
    """The decision and an internal note, with its reasons in `self.reasons` (a formset).

    Without `can_approve` the page does not offer approve; a posted approve still reaches the
    service, which refuses it with its own message.
    """

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=DECISION_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose approve, request changes or reject.")},
    )
    internal_note = forms.CharField(
        label=_("Internal note (optional)"),
        help_text=_("Only reviewers and admins see this; the publisher never does."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, data=None, *, can_approve=True, **kwargs):
        super().__init__(data, **kwargs)
        self.reasons = ReasonFormSet(data, prefix="reasons")
        if not can_approve:
            # The widget only: what is shown, not what validates.
            self.fields["decision"].widget.choices = [
                choice for choice in DECISION_CHOICES if choice[0] != OfferStatus.APPROVED
            ]

    def is_valid(self):
        decision_valid = super().is_valid()
        decision = self.cleaned_data.get("decision")
        if decision == OfferStatus.APPROVED:
            return decision_valid
        self.reasons.reasons_required = decision in DECISIONS_WITH_REASONS
        # Both always validate, so that every error shows at once.
        reasons_valid = self.reasons.is_valid()
        return decision_valid and reasons_valid

    def unmet_requirements(self):
        """The (requirement key, comment) pairs to record: none for approve."""
        if self.cleaned_data["decision"] == OfferStatus.APPROVED:
            return []
        return self.reasons.reasons()


class AssignForm(forms.Form):
    """Who takes the offer on: any reviewer outside its organisation (offers.queries)."""

    reviewer = forms.ModelChoiceField(
        label=_("Reviewer"),
        queryset=None,
        empty_label=None,
        error_messages={
            "invalid_choice": _(
                "That reviewer cannot take this offer on: choose one from the list."
            ),
            "required": _("Choose the reviewer who takes this offer on."),
        },
    )

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers
