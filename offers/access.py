"""The one way a person reaches an offer, and what they may do with it there.

An outsider (no membership in the offer's organisation, or removed a moment ago) gets 404,
never a hint that the offer exists; a member whose role lacks the right gets 403 with a
sentence saying so. The rights of each role are organisations.access.RIGHTS."""

from django.db.models import FilteredRelation, Q
from django.http import Http404

from offers.models import Offer
from organisations import current
from organisations.access import Right, ensure, may, refusal

# What changing each wizard step needs. The publisher step holds the organisation's details.
STEP_RIGHTS = {
    "publisher": Right.MANAGE,
    "technical": Right.EDIT,
    "business": Right.EDIT,
    "marketing": Right.EDIT_MARKETING,
    "review": Right.SUBMIT,
}


def get_offer(request, pk, right=Right.VIEW, offers=Offer.objects, *, page=True):
    """The offer, with `offer.membership` the person's membership of its organisation. A page
    that wants more in the same read passes `offers` annotated.

    A page drawn whole shows the person's memberships in its header (organisations.current):
    they are read once, for the header and for this check. A request that draws no header (a
    POST that redirects, htmx asking for a fragment, or a view that answers with no page at
    all and says so with page=False: a logo's image) reads the membership joined to the offer
    instead: one query, not two."""
    if page and _draws_header(request):
        offer = offers.select_related("organisation").filter(pk=pk).first()
        membership = _membership(request, offer)
    else:
        offer = _with_membership(offers.filter(pk=pk), request.user).first()
        # Without a row to join, Django sets no attribute at all.
        membership = getattr(offer, "own_membership", None)
        if membership is not None:
            membership.organisation = offer.organisation  # as memberships_of reads it
    if membership is None:
        raise Http404
    ensure(membership, right)
    offer.membership = membership
    return offer


def _draws_header(request):
    # Read already (choose, say), the memberships cost nothing more.
    if hasattr(request, current.REQUEST_CACHE):
        return True
    return request.method in ("GET", "HEAD") and not getattr(request, "htmx", False)


def _with_membership(offers, user):
    """The offers with their organisation and `own_membership`, the user's membership of it
    (absent for an outsider): one row each, a person having one membership per organisation."""
    own = FilteredRelation(
        "organisation__memberships", condition=Q(organisation__memberships__user=user)
    )
    return offers.annotate(own_membership=own).select_related("organisation", "own_membership")


def may_change_step(offer, step_name):
    """Whether the member who opened `offer` (get_offer) may save this wizard step."""
    return may(offer.membership, STEP_RIGHTS[step_name])


def _membership(request, offer):
    if offer is None:
        return None
    found = (m for m in current.memberships(request) if m.organisation_id == offer.organisation_id)
    return next(found, None)


def ensure_may_change_step(offer, step_name):
    """403, naming the member's role, unless they may save this wizard step."""
    ensure(offer.membership, STEP_RIGHTS[step_name])


def step_refusal(offer, step_name):
    """Why this member reads the step instead of changing it; None when they may change it."""
    if may_change_step(offer, step_name):
        return None
    return refusal(offer.membership, STEP_RIGHTS[step_name])
