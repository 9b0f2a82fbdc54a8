from rest_framework import viewsets

from api.serializers import OfferSerializer
from offers.models import Offer


class OfferViewSet(viewsets.ReadOnlyModelViewSet):
    """The offers of the key's organisation, most recently changed first. Another
    organisation's offer answers 404, never a hint that it exists."""

    serializer_class = OfferSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema asks, without a key
            return Offer.objects.none()
        offers = Offer.objects.filter(organisation=self.request.auth.organisation)
        return offers.order_by("-updated_at", "-pk")
