"""Named querysets for pages, and the one way a view loads an offer."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from offers.models import REVIEWABLE_STATUSES, Offer


def offers_for_owner(user):
    return Offer.objects.filter(owner=user).order_by("-updated_at", "-pk")


def get_offer_for_user(user, pk):
    """The offer if this user may see it; 404 otherwise, never a hint that it exists."""
    # Logos are not prefetched: most pages never show them, and those that do load them once.
    queryset = offers_for_owner(user).select_related("owner__publisher_profile")
    return get_object_or_404(queryset, pk=pk)


def offers_for_review():
    """Every offer a reviewer may open: all that have been submitted at least once."""
    return Offer.objects.filter(status__in=REVIEWABLE_STATUSES)


def get_offer_for_review(user, pk):
    """The offer for a reviewer's page: 403 for anyone who is not a reviewer or an admin,
    404 for a draft or an offer that does not exist."""
    ensure_reviewer(user)
    queryset = offers_for_review().select_related("owner__publisher_profile", "assigned_to")
    return get_object_or_404(queryset, pk=pk)


def ensure_reviewer(user):
    if not (user.is_authenticated and user.is_reviewer):
        raise PermissionDenied
