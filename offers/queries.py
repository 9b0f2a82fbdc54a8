"""Named querysets for pages. A publisher's view loads an offer through offers.access."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404

from accounts.models import REVIEWER_ROLES
from offers.models import (
    # Re-exported: the queue's pages and filters take the outcomes from here.
    CheckOutcome,  # noqa: F401
    EventKind,
    Notification,
    Offer,
    OfferEvent,
    OfferStatus,
    ReviewReason,
)
from offers.workflow import (
    CHECKING_STATUSES,
    DECISIONS,
    REVIEWABLE_STATUSES,
    UNDECIDED_STATUSES,
)
from organisations.models import Organisation


def offers_of(organisation):
    """The organisation's offers, most recently changed first: the columns of "My offers"
    (offers.listing.OfferRow) only, not every answer of every offer."""
    return (
        Offer.objects.filter(organisation=organisation)
        .only("app_name", "status", "updated_at")
        .order_by("-updated_at", "-pk")
    )


def offers_for_review():
    """Every offer a reviewer may open: all that have been submitted at least once."""
    return Offer.objects.filter(status__in=REVIEWABLE_STATUSES)


def get_offer_for_review(user, pk):
    """The offer for a reviewer's page: 403 for anyone who is not a reviewer or an admin,
    404 for a draft or an offer that does not exist."""
    ensure_reviewer(user)
    queryset = offers_for_review().select_related(
        "organisation", "created_by", "api_key", "assigned_to"
    )
    return get_object_or_404(queryset, pk=pk)


def reviewers_for(offer):
    """Who may take the offer on: active reviewers and admins outside its organisation, by
    address."""
    return (
        get_user_model()
        .objects.filter(is_active=True, role__in=REVIEWER_ROLES)
        .exclude(memberships__organisation_id=offer.organisation_id)
        .order_by("email")
    )


def ensure_reviewer(user):
    if not (user.is_authenticated and user.is_reviewer):
        raise PermissionDenied


def timeline(offer, *, with_assignments=True):
    """The offer's audit events, newest first, with who made them and their reasons: two
    queries however long the history. Publishers do not see who took the offer on."""
    events = OfferEvent.objects.filter(offer=offer)
    if not with_assignments:
        events = events.exclude(kind__in=(EventKind.ASSIGNED, EventKind.UNASSIGNED))
    return (
        events.select_related("actor", "api_key", "assignee")
        .prefetch_related("reasons")
        .order_by("-created_at", "-pk")
    )


def latest_review_reasons(offer):
    """The requirements the reviewer named when asking for changes or rejecting, while that
    decision is where the offer stands; empty otherwise, without a query."""
    if offer.status not in (OfferStatus.CHANGES_REQUESTED, OfferStatus.REJECTED):
        return []
    # One decision per revision: the next one needs a new submission.
    return list(
        ReviewReason.objects.filter(
            event__offer=offer, event__revision=offer.revision, event__to_status=offer.status
        ).order_by("pk")
    )


# --- the reviewers' queue ------------------------------------------------------------------

# Each sort of the queue, as order_by() arguments; the primary key makes the order total, so
# that paging never repeats or skips an offer. Each is read from an index in its order
# (Offer.Meta, offers 0016) but the reviewer's: an e-mail address is in another table, so
# PostgreSQL sorts every offer of the page's states for it (bench/dashboard.py).
QUEUE_ORDER = {
    "oldest": ("submitted_at", "pk"),
    "newest": ("-submitted_at", "-pk"),
    "app_name": (Lower("app_name"), "pk"),
    "-app_name": (Lower("app_name").desc(), "-pk"),
    "publisher": (Lower("organisation__company_name"), "pk"),
    "-publisher": (Lower("organisation__company_name").desc(), "-pk"),
    "reviewer": (models.F("assigned_to_email").asc(nulls_last=True), "pk"),
    "-reviewer": (models.F("assigned_to_email").desc(nulls_last=True), "-pk"),
    "updated": ("-updated_at", "-pk"),
}
# Who has an offer, for the queue's filter: the reviewer looking, or nobody.
ASSIGNED_TO_ME, UNASSIGNED = "me", "none"
# The states in which an offer waits for a reviewer, so the review clock runs (review.clock).
# Changes needed or requested wait for the publisher: no reviewer can be late with those.
AWAITING_REVIEW = (*CHECKING_STATUSES, OfferStatus.IN_REVIEW)


def review_queue(
    *,
    statuses=UNDECIDED_STATUSES,
    outcome="",
    search="",
    sort="oldest",
    assigned="",
    user=None,
    overdue_before=None,
):
    """The reviewers' queue: offers in these states, filtered and sorted, each with its
    organisation, the member who started it and its assigned reviewer in the one query (its
    `check_outcome` is stored with it). `assigned` is ASSIGNED_TO_ME (`user`'s), UNASSIGNED or
    empty for anyone's; with `overdue_before` (review.clock), only the offers awaiting review
    that were submitted before it. Offer.Meta's indexes serve each filter and sort."""
    queryset = offers_for_review().filter(status__in=statuses)
    filtered = _queue_filtered(
        queryset,
        outcome=outcome,
        search=search,
        assigned=assigned,
        user=user,
        overdue_before=overdue_before,
    )
    related = filtered.select_related("organisation", "created_by", "api_key", "assigned_to")
    return related.order_by(*QUEUE_ORDER[sort])


def review_queue_counts(
    *,
    statuses=REVIEWABLE_STATUSES,
    outcome="",
    search="",
    assigned="",
    user=None,
    overdue_before=None,
):
    """{status: offers} for each of `statuses`, under the same check outcome, search,
    assignment and lateness as the queue: one grouped query.

    It counts every matching offer, so it is the one part of the page that grows with them:
    about 5 ms for 90,000 submitted offers on PostgreSQL (bench/dashboard.py), most of them
    decided. The queue therefore asks only for the states it must count (review.dashboard)."""
    rows = _queue_filtered(
        offers_for_review().filter(status__in=statuses),
        outcome=outcome,
        search=search,
        assigned=assigned,
        user=user,
        overdue_before=overdue_before,
    )
    # COUNT(*), not COUNT(id): PostgreSQL then counts from an index alone (Offer.Meta's
    # offers_queue_count*, one per filter with a column of its own), never reading the rows.
    found = dict(rows.values_list("status").annotate(offers=Count("*")).order_by())
    return {status: found.get(status, 0) for status in statuses}


def _queue_filtered(queryset, *, outcome, search, assigned="", user=None, overdue_before=None):
    if overdue_before is not None:
        # A range of the (status, submitted_at) index for each state: no per-row arithmetic.
        queryset = queryset.filter(status__in=AWAITING_REVIEW, submitted_at__lt=overdue_before)
    if assigned == ASSIGNED_TO_ME:
        queryset = queryset.filter(assigned_to=user)
    elif assigned == UNASSIGNED:
        queryset = queryset.filter(assigned_to=None)
    if outcome:
        queryset = queryset.filter(check_outcome=outcome)
    if search:
        queryset = queryset.filter(pk__in=_searched(search))
    return queryset


def _searched(search):
    """The ids of the offers with `search` in their app name, their organisation's company name
    or MPN ID, or the e-mail address of the member who started them, ignoring case.

    A union of one query per table, not one OR across the joined tables: PostgreSQL serves each
    part from its own trigram index (migration 0016), where an OR over a join, or over
    `organisation IN (...)` subqueries, has it read every offer."""
    organisations = Organisation.objects.filter(
        Q(company_name__icontains=search) | Q(mpn_id__icontains=search)
    )
    members = get_user_model().objects.filter(email__icontains=search)
    offers = Offer.objects.order_by().values("pk")
    return offers.filter(app_name__icontains=search).union(
        offers.filter(organisation__in=organisations), offers.filter(created_by__in=members)
    )


def with_decisions(queryset):
    """The offers, each with `decisions`: the reviewers' decisions on it, newest first, with
    their reasons. Two more queries for the whole list (or for each chunk of an iterator()),
    however many offers and decisions: a few decisions an offer, one per revision at most."""
    decisions = (
        OfferEvent.objects.filter(kind=EventKind.STATUS, to_status__in=DECISIONS)
        .prefetch_related("reasons")
        .order_by("-created_at", "-pk")
    )
    return queryset.prefetch_related(Prefetch("events", queryset=decisions, to_attr="decisions"))


# How much news "My offers" shows.
RECENT_NEWS = 10


def recent_news(user, organisation, limit=RECENT_NEWS):
    """The person's latest news about the organisation's offers, newest first, each with its
    offer: one query."""
    news = Notification.objects.filter(recipient=user, offer__organisation=organisation)
    # Of the offer, only what a piece of news shows: its name (offers.listing.NewsRow).
    news = news.select_related("offer").only("kind", "created_at", "offer", "offer__app_name")
    return news.order_by("-created_at", "-pk")[:limit]
