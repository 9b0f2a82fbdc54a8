"""Which organisation a person is working in: the one they chose in the navigation, kept in
their session, or their first. Every page names it (templates/base.html)."""

from django.utils.functional import SimpleLazyObject

from organisations.access import Right, may
from organisations.models import Membership

SESSION_KEY = "organisation"
# Where memberships() keeps them for the rest of the request.
REQUEST_CACHE = "_memberships"


def memberships_of(user):
    """The person's memberships with their organisations, alphabetically: one query."""
    return list(
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__company_name", "organisation_id")
    )


def memberships(request):
    """memberships_of the signed-in person, read once per request."""
    if not hasattr(request, REQUEST_CACHE):
        user = request.user
        setattr(request, REQUEST_CACHE, memberships_of(user) if user.is_authenticated else [])
    return getattr(request, REQUEST_CACHE)


def current_membership(request):
    """The membership of the organisation this person is working in, or None before they
    belong to any. A choice that no longer holds (they were removed) falls back to the first."""
    found = memberships(request)
    chosen = request.session.get(SESSION_KEY)
    for membership in found:
        if membership.organisation_id == chosen:
            return membership
    return found[0] if found else None


def choose(request, organisation_id):
    """Work in this organisation from now on, if the person belongs to it. Returns the
    membership, or None when they do not."""
    for membership in memberships(request):
        if membership.organisation_id == organisation_id:
            request.session[SESSION_KEY] = organisation_id
            return membership
    return None


def choose_now(request, organisation_id):
    """Work in an organisation the person joined or founded during this request."""
    request.session[SESSION_KEY] = organisation_id
    setattr(request, REQUEST_CACHE, memberships_of(request.user))


def navigation(request):
    """Context processor: the organisation shown and the others to switch to, and whether the
    person may start an offer there (or found their first organisation). Read only if the page
    shows them (e-mails and the probes do not)."""
    return {
        "organisation_memberships": SimpleLazyObject(lambda: memberships(request)),
        "current_membership": SimpleLazyObject(lambda: current_membership(request)),
        "may_start_offers": SimpleLazyObject(lambda: may_start_offers(request)),
    }


def may_start_offers(request):
    membership = current_membership(request)
    return membership is None or may(membership, Right.EDIT)
