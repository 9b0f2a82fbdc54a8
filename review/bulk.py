"""Bulk actions on the reviewers' queue: assign the offers ticked in the queue to a reviewer, or
run their checks again.

The queue posts its selection to `confirmation`, which lists every offer with what would happen
to it and changes nothing; its Confirm button posts the same selection to `confirm`. There each
offer goes through offers.services in a transaction of its own, so that one refusal (an offer
decided meanwhile) leaves the others done, and each row is locked only while its turn lasts.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts.models import REVIEWER_ROLES
from offers import queries, services, workflow
from review.forms_dashboard import DEFAULTS
from review.permissions import reviewer_required

# More than a page of the queue (25 rows), so that a forged or stale post is still bounded:
# each offer costs a transaction of its own.
MAX_OFFERS = 100
# The largest primary key the database can store: a larger number names no offer.
MAX_ID = 2**63 - 1
ASSIGN, RERUN = "assign", "rerun"
ACTION_CHOICES = [
    (ASSIGN, gettext_lazy("Assign to a reviewer")),
    (RERUN, gettext_lazy("Run the checks again")),
]
CHOOSE_AN_ACTION = gettext_lazy(
    "Choose what to do with the selected offers: assign them or run their checks again."
)
# What the way back to the queue keeps of its address: the filters and the page.
QUEUE_PARAMETERS = (*DEFAULTS, "page")


def active_reviewers():
    """Everyone who may take offers on, by address: offers.queries.reviewers_for without the
    exclusion of one offer's organisation, which the confirmation tells offer by offer."""
    users = get_user_model().objects.filter(is_active=True, role__in=REVIEWER_ROLES)
    return users.order_by("email")


class OfferIdsField(forms.Field):
    """The ids of the ticked offers, in the queue's order, each once."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": gettext_lazy(
            "Select at least one offer first: tick the box at the start of its row."
        ),
        "invalid": gettext_lazy("An offer was selected that does not exist."),
        "too_many": gettext_lazy(
            "Select at most %(limit)d offers at a time; %(count)d were selected."
        ),
    }

    def to_python(self, value):
        try:
            # A blank value is no selection, as from a client that posts every box.
            ids = [int(pk) for pk in value or () if str(pk).strip()]
        except (TypeError, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if any(not 0 < pk <= MAX_ID for pk in ids):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return list(dict.fromkeys(ids))

    def validate(self, value):
        super().validate(value)
        if len(value) > MAX_OFFERS:
            raise ValidationError(
                self.error_messages["too_many"],
                code="too_many",
                params={"limit": MAX_OFFERS, "count": len(value)},
            )


class ReviewerSelect(forms.Select):
    """Never `required` in HTML, as the action decides whether a reviewer is; which also spares
    the reviewers a second query (Django's Select looks at the first choice to decide)."""

    def use_required_attribute(self, initial):
        return False


class BulkActionForm(forms.Form):
    """The selection, the action and its reviewer, and the queue's address to go back to.
    On the queue the boxes of the rows are the `offers`; on the confirmation, hidden inputs."""

    offers = OfferIdsField()
    action = forms.ChoiceField(
        label=gettext_lazy("What to do"),
        choices=ACTION_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_AN_ACTION, "invalid_choice": CHOOSE_AN_ACTION},
    )
    reviewer = forms.ModelChoiceField(
        label=gettext_lazy("Reviewer to assign"),
        queryset=active_reviewers(),
        required=False,
        empty_label=None,
        widget=ReviewerSelect,
        error_messages={
            "invalid_choice": gettext_lazy(
                "That person cannot take offers on (not an active reviewer): choose a reviewer "
                "from the list."
            ),
        },
    )
    back = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        # Ids of their own: the queue's filters above have fields too.
        super().__init__(*args, auto_id="bulk_%s", **kwargs)

    def clean_back(self):
        """Only the queue's own parameters, once each: the address stays the queue's."""
        given = QueryDict(self.cleaned_data["back"])
        kept = QueryDict(mutable=True)
        for name in QUEUE_PARAMETERS:
            if given.get(name):
                kept[name] = given[name]
        return kept.urlencode()

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == RERUN:
            # The queue posts its reviewer list whatever the action: only assigning reads it.
            self.errors.pop("reviewer", None)
            cleaned["reviewer"] = None
        elif action == ASSIGN and not cleaned.get("reviewer") and "reviewer" not in self.errors:
            self.add_error(
                "reviewer",
                ValidationError(
                    _("Choose the reviewer who takes the selected offers on."), code="required"
                ),
            )
        return cleaned

    @property
    def assigning(self):
        return self.cleaned_data.get("action") == ASSIGN

    def queue_url(self):
        back = self.cleaned_data.get("back")
        url = reverse("review:dashboard")
        return f"{url}?{back}" if back else url

    def selection_error(self):
        """What stops the request before any offer is read: no offers, too many, no action."""
        for name in ("offers", "action"):
            if name in self.errors:
                return self.errors[name][0]
        return None


@dataclass(frozen=True)
class Outcome:
    """What the action does to one offer: `applies`, and in words what happens or why not."""

    offer: object
    applies: bool
    says: str


@reviewer_required
@require_POST
def confirmation(request):
    """Every selected offer with what the action would do to it. Nothing changes here."""
    form, offers = _read(request)
    if offers is None:
        return redirect(form.queue_url())
    return _render(request, form, offers)


@reviewer_required
@require_POST
def confirm(request):
    """The action, offer by offer, through the services; back to the queue with the tally."""
    form, offers = _read(request)
    if offers is None:
        return redirect(form.queue_url())
    if not form.is_valid():
        # The reviewer chosen is no longer one (made inactive meanwhile, say): choose again.
        return _render(request, form, offers)
    reviewer = form.cleaned_data["reviewer"]
    if form.assigning:
        _tell_assigned(request, _assign(offers, reviewer, by=request.user), reviewer)
    else:
        _tell_rerun(request, _rerun(offers, reviewer=request.user))
    return redirect(form.queue_url())


def _read(request):
    """The form and the selected offers; None for the offers, with the reason told as a
    message, when the selection or the action is missing."""
    form = BulkActionForm(request.POST)
    form.is_valid()
    if form.has_error("offers", code="invalid"):
        raise Http404
    problem = form.selection_error()
    if problem is not None:
        messages.error(request, problem)
        return form, None
    return form, selected_offers(form.cleaned_data["offers"])


def selected_offers(ids):
    """The offers of `ids` in that order, with what the confirmation shows of each: one query.
    Like offers.queries.get_offer_for_review for one offer, a draft or an id that names no
    offer is 404, for the whole request: the queue never shows those, and a reviewer is not
    told that a draft exists."""
    found = (
        queries.offers_for_review()
        .select_related("organisation", "created_by", "api_key", "assigned_to")
        .in_bulk(ids)
    )
    if len(found) != len(ids):
        raise Http404
    return [found[pk] for pk in ids]


def _render(request, form, offers):
    assigning = form.assigning
    reviewer = form.cleaned_data.get("reviewer")
    if assigning and reviewer is None:
        # No outcome without a reviewer: the page asks for one first.
        outcomes = [Outcome(offer, False, "") for offer in offers]
    elif assigning:
        outcomes = list(_assign_outcomes(offers, reviewer))
    else:
        outcomes = list(_rerun_outcomes(offers))
    context = {
        "form": form,
        "heading": _heading(assigning, reviewer),
        "outcomes": outcomes,
        "assigning": assigning,
        "reviewer": reviewer,
        "ready": form.is_valid(),
        "applying": sum(outcome.applies for outcome in outcomes),
        "queue_url": form.queue_url(),
    }
    return render(request, "review/bulk_confirm.html", context)


def _heading(assigning, reviewer):
    if not assigning:
        return _("Run the checks of the selected offers again?")
    if reviewer is None:
        return _("Assign the selected offers?")
    return _("Assign the selected offers to %(email)s?") % {"email": reviewer.email}


def _assign_outcomes(offers, reviewer):
    member_of = services.organisations_of(reviewer)
    for offer in offers:
        try:
            services.ensure_may_assign(offer, reviewer, member_of=member_of)
        except workflow.DecisionRefused as refused:
            yield Outcome(offer, False, refused.message)
        else:
            if offer.assigned_to_id == reviewer.pk:
                says = _("Already assigned to %(email)s: nothing changes.")
                yield Outcome(offer, False, says % {"email": reviewer.email})
            else:
                says = _("Will be assigned to %(email)s.")
                yield Outcome(offer, True, says % {"email": reviewer.email})


def _rerun_outcomes(offers):
    # The state says; rerun_checks also refuses, under its lock, an offer whose publisher
    # changed it since submitting: that needs each offer's snapshot, so confirm tells it.
    for offer in offers:
        if offer.status in workflow.RERUNNABLE_STATUSES:
            yield Outcome(offer, True, _("The checks will run again."))
        else:
            says = _("The checks cannot run again while the offer is “%(status)s”.")
            yield Outcome(offer, False, says % {"status": offer.get_status_display()})


def _assign(offers, reviewer, *, by):
    """(assigned, already theirs, [(offer, refusal)])."""
    done, unchanged, refused = [], [], []
    for offer in offers:
        try:
            event = services.assign(offer, reviewer=reviewer, by=by)
        except workflow.DecisionRefused as refusal:
            refused.append((offer, refusal.message))
        else:
            (done if event is not None else unchanged).append(offer)
    return done, unchanged, refused


def _rerun(offers, *, reviewer):
    """(run again, [(offer, refusal)])."""
    done, refused = [], []
    for offer in offers:
        try:
            services.rerun_checks(offer, reviewer=reviewer)
        except workflow.DecisionRefused as refusal:
            refused.append((offer, refusal.message))
        else:
            done.append(offer)
    return done, refused


def _tell_assigned(request, results, reviewer):
    done, unchanged, refused = results
    email = reviewer.email
    if done:
        text = ngettext(
            "%(count)d offer is now assigned to %(email)s.",
            "%(count)d offers are now assigned to %(email)s.",
            len(done),
        )
        messages.success(request, text % {"count": len(done), "email": email})
    if unchanged:
        text = ngettext(
            "%(count)d offer was already assigned to %(email)s.",
            "%(count)d offers were already assigned to %(email)s.",
            len(unchanged),
        )
        messages.info(request, text % {"count": len(unchanged), "email": email})
    _tell_refused(request, refused)


def _tell_rerun(request, results):
    done, refused = results
    if done:
        text = ngettext(
            "The checks are running again for %(count)d offer.",
            "The checks are running again for %(count)d offers.",
            len(done),
        )
        messages.success(request, text % {"count": len(done)})
    _tell_refused(request, refused)


def _tell_refused(request, refused):
    for offer, reason in refused:
        text = _("“%(offer)s” was left as it was: %(reason)s")
        messages.error(request, text % {"offer": offer.app_name, "reason": reason})
