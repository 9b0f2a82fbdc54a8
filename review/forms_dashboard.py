"""The reviewers' queue filters, read from the query string."""

from django import forms
from django.utils.translation import gettext_lazy as _

from offers.queries import CheckOutcome
from offers.workflow import REVIEWABLE_STATUSES, UNDECIDED_STATUSES

# What each choice of the state filter shows.
STATE_FILTERS = {
    # No decision yet, so someone still has to act: the default view.
    "open": UNDECIDED_STATUSES,
    "all": REVIEWABLE_STATUSES,
    **{status.value: (status,) for status in REVIEWABLE_STATUSES},
}
STATE_CHOICES = [
    ("open", _("Open (no decision yet)")),
    ("all", _("Every state")),
    *((status.value, status.label) for status in REVIEWABLE_STATUSES),
]
OUTCOME_CHOICES = [
    ("", _("Any outcome")),
    *(
        (outcome.value, outcome.label)
        for outcome in (
            CheckOutcome.PASSED,
            CheckOutcome.FAILED,
            CheckOutcome.ERROR,
            CheckOutcome.RUNNING,
        )
    ),
]
# The keys of offers.queries.QUEUE_ORDER.
SORT_CHOICES = [
    ("oldest", _("Oldest submission first")),
    ("newest", _("Newest submission first")),
    ("app_name", _("App name, A to Z")),
    ("updated", _("Last updated first")),
]
# Used for a parameter that is missing, empty or not valid.
DEFAULTS = {"state": "open", "outcome": "", "q": "", "sort": "oldest"}
SEARCH_MAX_LENGTH = 100


class QueueFilterForm(forms.Form):
    """Bound to request.GET. A bad value never stops the page: the queue is shown without that
    filter, and the field says so."""

    q = forms.CharField(
        label=_("Search"),
        help_text=_("App name, company, MPN ID or publisher e-mail."),
        max_length=SEARCH_MAX_LENGTH,
        required=False,
        widget=forms.SearchInput,
        error_messages={
            "max_length": _(
                "A search can be at most %(limit_value)d characters (this one has "
                "%(show_value)d), so every offer is shown; shorten it."
            )
        },
    )
    state = forms.ChoiceField(
        label=_("State"),
        choices=STATE_CHOICES,
        required=False,
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a state of the queue, so open offers are shown; "
                "pick a state from the list."
            )
        },
    )
    outcome = forms.ChoiceField(
        label=_("Checks"),
        choices=OUTCOME_CHOICES,
        required=False,
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a check outcome, so every outcome is shown; "
                "pick one from the list."
            )
        },
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        choices=SORT_CHOICES,
        required=False,
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a sort order, so the oldest submissions come first; "
                "pick one from the list."
            )
        },
    )

    def filters(self):
        """{name: value} for every filter: the valid value given, or its default."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) or default for name, default in DEFAULTS.items()}
