"""A reviewer's decision: approve, request changes or reject, with a verdict on each requirement.

Each requirement of the checklist gets a verdict beside it on the page, "meets" unless the
reviewer says otherwise, and a comment for the publisher when it does not. The verdicts are
fields of the decision form (their inputs name it with the form attribute), so one POST binds,
validates and re-renders all of it, and nothing typed is lost on a refusal.
"""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from offers.checklist import REQUIREMENTS
from offers.models import OfferStatus
from offers.workflow import DECISIONS_WITH_REASONS

DECISION_CHOICES = (
    (OfferStatus.APPROVED, gettext_lazy("Approve")),
    (OfferStatus.CHANGES_REQUESTED, gettext_lazy("Request changes")),
    (OfferStatus.REJECTED, gettext_lazy("Reject")),
)
MEETS, NOT_MET = "meets", "not_met"
VERDICT_CHOICES = ((MEETS, gettext_lazy("Meets")), (NOT_MET, gettext_lazy("Does not meet")))
# The id of the decision's <form>: the verdicts beside the requirements belong to it.
FORM_ID = "decision-form"
COMMENT_MAX_LENGTH = 2000


def verdict_name(requirement):
    return f"verdict_{requirement.key}"


def comment_name(requirement):
    return f"comment_{requirement.key}"


class RadioSelect(forms.RadioSelect):
    """Radios that pass `autofocus` to their first choice only: a page may focus one element.
    Named as Django's, so that its widget_type stays "radioselect" for forms/field.html."""

    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        if option["index"] != "0":
            option["attrs"].pop("autofocus", None)
        return option


class DecisionForm(forms.Form):
    """The decision, an internal note, and a verdict and comment per requirement.

    Without `can_approve` the page does not offer approve; a posted approve still reaches the
    service, which refuses it with its own message. After validation the first field in error,
    in the page's order, carries `autofocus`, so the page opens on it.
    """

    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=DECISION_CHOICES,
        widget=RadioSelect,
        error_messages={"required": gettext_lazy("Choose approve, request changes or reject.")},
    )
    internal_note = forms.CharField(
        label=gettext_lazy("Internal note (optional)"),
        help_text=gettext_lazy("Only reviewers and admins see this; the publisher never does."),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, data=None, *, can_approve=True, **kwargs):
        super().__init__(data, **kwargs)
        belongs = {"form": FORM_ID}
        # Translated once for all the verdicts, not again for each of their radios.
        verdict_choices = [(value, str(label)) for value, label in VERDICT_CHOICES]
        for requirement in REQUIREMENTS:
            # A verdict that is not posted (a page from before this requirement) is "meets".
            self.fields[verdict_name(requirement)] = forms.ChoiceField(
                label=_("Verdict on “%(requirement)s”") % {"requirement": requirement.label},
                choices=verdict_choices,
                initial=MEETS,
                required=False,
                widget=RadioSelect(attrs=belongs),
            )
            self.fields[comment_name(requirement)] = forms.CharField(
                label=_("Comment for the publisher on “%(requirement)s”")
                % {"requirement": requirement.label},
                required=False,
                max_length=COMMENT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2, **belongs}),
            )
        # The page's order: the verdicts beside the requirements on the left (or above), then
        # the decision panel; the error summary and the focus follow it.
        self.order_fields(
            [name for name in self.fields if name.startswith(("verdict_", "comment_"))]
        )
        if not can_approve:
            # The widget only: what is shown, not what validates.
            self.fields["decision"].widget.choices = [
                choice for choice in DECISION_CHOICES if choice[0] != OfferStatus.APPROVED
            ]

    def verdicts(self):
        """{requirement key: (its verdict, its comment)} as bound fields, for the page to
        show each beside its requirement."""
        return {
            requirement.key: (self[verdict_name(requirement)], self[comment_name(requirement)])
            for requirement in REQUIREMENTS
        }

    def clean(self):
        cleaned = super().clean()
        unmet = []
        for requirement in REQUIREMENTS:
            verdict = cleaned.get(verdict_name(requirement)) or MEETS
            comment = cleaned.get(comment_name(requirement), "")
            if verdict == NOT_MET:
                unmet.append(requirement)
                if not comment and comment_name(requirement) not in self.errors:
                    self.add_error(
                        comment_name(requirement),
                        _("Say what does not meet this requirement and how to fix it."),
                    )
            elif comment and verdict_name(requirement) not in self.errors:
                # Dropping it would lose what the reviewer wrote for the publisher.
                self.add_error(
                    comment_name(requirement),
                    _(
                        "This requirement is marked as met: mark it “Does not meet” to send "
                        "this comment, or clear the comment."
                    ),
                )
        decision = cleaned.get("decision")
        if decision in DECISIONS_WITH_REASONS and not unmet:
            self.add_error(
                "decision",
                _(
                    "To request changes or to reject, mark at least one requirement “Does not "
                    "meet”, with a comment."
                ),
            )
        if decision == OfferStatus.APPROVED and unmet:
            self.add_error(
                "decision",
                _(
                    "An offer with a requirement marked “Does not meet” cannot be approved: "
                    "request changes or reject, or mark it as met."
                ),
            )
        return cleaned

    def full_clean(self):
        super().full_clean()
        if self.is_bound and self.errors:
            self._focus_first_error()

    def _focus_first_error(self):
        first = next((name for name in self.fields if name in self.errors), None)
        if first is not None:
            self.fields[first].widget.attrs["autofocus"] = True

    @property
    def focuses_summary(self):
        """Whether the error summary takes the focus: when no field did (includes/
        form_errors.html), as for a decision the service refused."""
        return not any(field.widget.attrs.get("autofocus") for field in self.fields.values())

    def unmet_requirements(self):
        """The (requirement key, comment) pairs to record, in checklist order: none for
        approve."""
        if self.cleaned_data["decision"] == OfferStatus.APPROVED:
            return []
        return [
            (requirement.key, self.cleaned_data[comment_name(requirement)])
            for requirement in REQUIREMENTS
            if self.cleaned_data.get(verdict_name(requirement)) == NOT_MET
        ]


class ReadOnceChoiceIterator(forms.models.ModelChoiceIterator):
    """The choices from the field's queryset, read once per form. Django's iterator streams a
    fresh query each time the choices are walked, and a Select walks them twice: once for its
    options, once for its first choice (whether `required` applies)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:  # the field's own copy: its rows are kept after the first walk
            yield self.choice(obj)


class ReviewerField(forms.ModelChoiceField):
    iterator = ReadOnceChoiceIterator


class AssignForm(forms.Form):
    """Who takes the offer on: any reviewer outside its organisation (offers.queries)."""

    reviewer = ReviewerField(
        label=gettext_lazy("Reviewer"),
        queryset=None,
        empty_label=None,
        error_messages={
            "invalid_choice": gettext_lazy(
                "That reviewer cannot take this offer on: choose one from the list."
            ),
            "required": gettext_lazy("Choose the reviewer who takes this offer on."),
        },
    )

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers
