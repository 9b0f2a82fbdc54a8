from rest_framework import serializers

from offers.models import Offer


class OfferSerializer(serializers.ModelSerializer):
    """An offer as the API shows it: where it stands. Its answers come with the next slice."""

    class Meta:
        model = Offer
        fields = (
            "id",
            "app_name",
            "status",
            "revision",
            "requirements_version",
            "created_at",
            "updated_at",
            "submitted_at",
        )
        read_only_fields = fields
