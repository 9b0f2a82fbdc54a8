"""Named querysets for pages, and the one way a view loads an offer."""

from django.shortcuts import get_object_or_404

from offers.models import Offer


def offers_for_owner(user):
    return Offer.objects.filter(owner=user).order_by("-updated_at", "-pk")


def get_offer_for_user(user, pk):
    """The offer if this user may see it; 404 otherwise, never a hint that it exists."""
    # Logos are not prefetched: most pages never show them, and those that do load them once.
    queryset = offers_for_owner(user).select_related("owner__publisher_profile")
    return get_object_or_404(queryset, pk=pk)
