"""An offer's states: which may follow which, the sets of states the rest of the portal asks
about, the refusals a caller may meet, and transition(), the one door for a status change.

Services, the background checks and the reviewers' decisions call transition(); this module
imports none of them. Which answers may still change (EDITABLE_STATUSES) lives beside the model,
because Offer.is_editable reads it.
"""

from django.db import transaction
from django.utils import timezone

from offers import notifications
from offers.models import CheckOutcome, EventKind, Offer, OfferEvent, OfferStatus


class OfferError(Exception):
    """A request the offer's current state does not allow."""


class NotEditable(OfferError):
    """The answers can no longer change: the offer was submitted, perhaps from another tab."""


class IncompleteOffer(OfferError):
    """Submitting an offer with a step that does not pass its form; `step` is the first one,
    `errors` each incomplete step's form errors ({step: {field: [ValidationError]}})."""

    def __init__(self, step, errors=None):
        super().__init__(step)
        self.step = step
        self.errors = errors or {}


class InvalidTransition(OfferError):
    """A status change the table does not allow, or one another request made first."""


class DecisionRefused(OfferError):
    """A decision this person may not make now; the message says why, for the page."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# Which status may follow which. Nothing leaves approved, rejected or withdrawn.
ALLOWED_TRANSITIONS = {
    OfferStatus.DRAFT: {OfferStatus.SUBMITTED},
    # Checks queued; the sweeper may finish them all as errors before any worker starts one.
    OfferStatus.SUBMITTED: {
        OfferStatus.VALIDATING,
        OfferStatus.IN_REVIEW,
        OfferStatus.CHANGES_NEEDED,
        OfferStatus.WITHDRAWN,
    },
    OfferStatus.VALIDATING: {
        OfferStatus.IN_REVIEW,
        OfferStatus.CHANGES_NEEDED,
        OfferStatus.WITHDRAWN,
    },
    # The publisher fixes and resubmits; or a reviewer runs the checks again (validating).
    OfferStatus.CHANGES_NEEDED: {
        OfferStatus.SUBMITTED,
        OfferStatus.VALIDATING,
        OfferStatus.WITHDRAWN,
    },
    OfferStatus.IN_REVIEW: {
        OfferStatus.APPROVED,
        OfferStatus.CHANGES_REQUESTED,
        OfferStatus.REJECTED,
        OfferStatus.VALIDATING,
        OfferStatus.WITHDRAWN,
    },
    OfferStatus.CHANGES_REQUESTED: {OfferStatus.SUBMITTED, OfferStatus.WITHDRAWN},
    OfferStatus.APPROVED: set(),
    OfferStatus.REJECTED: set(),
    OfferStatus.WITHDRAWN: set(),
}

# Submitted and not decided yet: reviewers may take it on, and the publisher may withdraw it,
# which the table allows from exactly these states. (A draft was never submitted, so there is
# nothing to withdraw; it can simply be left.)
UNDECIDED_STATUSES = tuple(
    status for status in OfferStatus if OfferStatus.WITHDRAWN in ALLOWED_TRANSITIONS[status]
)
# Reviewers see every offer that has been submitted at least once: all but drafts.
REVIEWABLE_STATUSES = tuple(status for status in OfferStatus if status != OfferStatus.DRAFT)
# The background checks of the current revision are under way.
CHECKING_STATUSES = (OfferStatus.SUBMITTED, OfferStatus.VALIDATING)
# A reviewer's decisions, and the ones that must say which requirements are not met.
DECISIONS = (OfferStatus.APPROVED, OfferStatus.CHANGES_REQUESTED, OfferStatus.REJECTED)
DECISIONS_WITH_REASONS = (OfferStatus.CHANGES_REQUESTED, OfferStatus.REJECTED)
# A reviewer may run the checks of the current revision again from these states.
RERUNNABLE_STATUSES = (OfferStatus.IN_REVIEW, OfferStatus.CHANGES_NEEDED)


def is_undecided(offer):
    """Submitted and not decided yet: the publisher may withdraw it, a reviewer may take it on."""
    return offer.status in UNDECIDED_STATUSES


def transition(
    offer, to, *, actor, api_key=None, reason="", internal_note="", kind=EventKind.STATUS
):
    """The one door for status changes: checks the table, updates atomically, writes the
    audit event and the publisher's news. Returns the event. `actor` is the person, or None
    for Offer Desk itself or for an organisation's `api_key`."""
    from_status = offer.status
    if to not in ALLOWED_TRANSITIONS.get(from_status, set()):
        raise InvalidTransition(f"{from_status} -> {to}")
    changes = _changes(offer, to)
    # No savepoint: inside a caller's transaction its rollback covers this too. Nothing raises
    # inside the block, so a caller that catches InvalidTransition can go on.
    with transaction.atomic(savepoint=False):
        updated = Offer.objects.filter(pk=offer.pk, status=from_status).update(**changes)
        if updated == 1:
            event = OfferEvent.objects.create(
                offer=offer,
                kind=kind,
                actor=actor,
                api_key=api_key,
                from_status=from_status,
                to_status=to,
                revision=changes.get("revision", offer.revision),
                reason=reason,
                internal_note=internal_note,
            )
            notifications.notify_status_change(offer, event)
    if updated != 1:
        raise InvalidTransition(f"{offer.pk} is no longer {from_status}")
    for field, value in changes.items():
        setattr(offer, field, value)
    return event


def _changes(offer, to):
    """The offer's fields that change with its status: a submission is a new revision."""
    changes = {"status": to, "updated_at": timezone.now()}
    if to == OfferStatus.SUBMITTED:
        changes["submitted_at"] = changes["updated_at"]
        changes["revision"] = offer.revision + 1
        # A submission starts its round of checks in the same transaction
        # (offers.checks.rounds.start_round): they are running from this UPDATE on, which
        # spares the round one more UPDATE of the offer just to say so.
        changes["check_outcome"] = CheckOutcome.RUNNING
    return changes
