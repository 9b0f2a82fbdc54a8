"""The reviewers' queue filters, read from the query string."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from offers.queries import ASSIGNED_TO_ME, UNASSIGNED, CheckOutcome
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
ASSIGNED_CHOICES = [
    ("", _("Anyone's or nobody's")),
    (ASSIGNED_TO_ME, _("Assigned to me")),
    (UNASSIGNED, _("Unassigned")),
]
# The keys of offers.queries.QUEUE_ORDER.
SORT_CHOICES = [
    ("oldest", _("Oldest submission first")),
    ("newest", _("Newest submission first")),
    ("app_name", _("App name, A to Z")),
    ("-app_name", _("App name, Z to A")),
    ("publisher", _("Publisher, A to Z")),
    ("-publisher", _("Publisher, Z to A")),
    ("reviewer", _("Reviewer, A to Z")),
    ("-reviewer", _("Reviewer, Z to A")),
    ("updated", _("Last updated first")),
]
# The columns a reviewer sorts by clicking their heading: (ascending, descending) sorts.
SORTABLE_COLUMNS = {
    "app_name": ("app_name", "-app_name"),
    "publisher": ("publisher", "-publisher"),
    "submitted": ("oldest", "newest"),
    "reviewer": ("reviewer", "-reviewer"),
}
# Used for a parameter that is missing, empty or not valid.
DEFAULTS = {
    "state": "open",
    "assigned": "",
    "outcome": "",
    "overdue": False,
    "q": "",
    "sort": "oldest",
}
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
    # Chosen in the list of states above the form, which keeps it here unseen.
    state = forms.ChoiceField(
        label=_("State"),
        choices=STATE_CHOICES,
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a state of the queue, so open offers are shown; "
                "pick a state from the list."
            )
        },
    )
    assigned = forms.ChoiceField(
        label=_("Reviewer"),
        choices=ASSIGNED_CHOICES,
        required=False,
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a choice of reviewer, so everyone's offers are shown; "
                "pick one from the list."
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
    # The target is a setting: the help text names it when the form is made (__init__).
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
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

    def __init__(self, *args, target, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["overdue"].help_text = ngettext(
            "Waiting for a reviewer for more than %(target)d business day.",
            "Waiting for a reviewer for more than %(target)d business days.",
            target,
        ) % {"target": target}

    def filters(self):
        """{name: value} for every filter: the valid value given, or its default."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) or default for name, default in DEFAULTS.items()}
