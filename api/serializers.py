"""What the API shows. Answers are read and checked by api.answers, through the wizard's forms;
these serializers describe them (and the schema) without rules of their own."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api import answers
from offers import services
from offers.models import CheckKind, CheckStatus, EventKind, OfferStatus


class OfferSerializer(serializers.Serializer):
    """An offer in a list: where it stands."""

    id = serializers.IntegerField(read_only=True)
    app_name = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(OfferStatus.choices, read_only=True)
    revision = serializers.IntegerField(read_only=True)
    requirements_version = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)


class LogoSerializer(serializers.Serializer):
    slot = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    size_bytes = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField(help_text=_("The served copy, re-encoded as PNG."))

    def get_url(self, logo) -> str:
        return reverse("api:offer-logo", kwargs={"pk": logo.offer_id, "slot": logo.slot})


def _answers_fields(**options):
    return {
        name: serializer(required=False, help_text=answers.STEPS_BY_NAME[name].title, **options)
        for name, serializer in answers.STEP_SERIALIZERS.items()
    }


OfferAnswers = type("OfferAnswers", (serializers.Serializer,), _answers_fields())
OfferAnswers.__doc__ = """The answers of each wizard step, keyed by the step's fields. A change
may send any part of any step; what it does not send stays as stored."""


class _OfferDetail(OfferSerializer):
    started_by = serializers.CharField(read_only=True)
    incomplete_steps = serializers.SerializerMethodField(
        help_text=_("The steps whose answers would not pass yet: submitting names each field.")
    )
    logos = LogoSerializer(many=True, read_only=True, source="logos_in_slot_order")

    def get_incomplete_steps(self, offer) -> list[str]:
        return services.incomplete_steps_for_display(offer) if offer.is_editable else []


# The steps' answers are fields of their own, made from the wizard's forms.
OfferDetailSerializer = type(
    "OfferDetailSerializer", (_OfferDetail,), _answers_fields(source="*", read_only=True)
)
OfferDetailSerializer.__doc__ = (
    "An offer with its answers, its logos and the steps still incomplete."
)


class CheckSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(CheckKind.choices)
    subject = serializers.CharField(help_text=_("The logo slot, or the URL, as submitted."))
    status = serializers.ChoiceField(CheckStatus.choices)
    message = serializers.CharField(source="shown_message")
    revision = serializers.IntegerField()
    finished_at = serializers.DateTimeField(allow_null=True)


class ReasonSerializer(serializers.Serializer):
    requirement = serializers.CharField()
    comment = serializers.CharField()


class EventSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(EventKind.choices)
    by = serializers.SerializerMethodField()
    from_status = serializers.ChoiceField(OfferStatus.choices)
    to_status = serializers.ChoiceField(OfferStatus.choices)
    revision = serializers.IntegerField()
    steps = serializers.ListField(child=serializers.CharField())
    reason = serializers.CharField(source="shown_reason")
    reasons = ReasonSerializer(many=True, source="reasons.all")
    created_at = serializers.DateTimeField()

    def get_by(self, event) -> str:
        """Offer Desk, the organisation's API key, or the member; reviewers stay unnamed."""
        if event.api_key_id:
            return event.api_key_label
        if event.by_portal:
            return str(_("Offer Desk"))
        if event.actor.is_reviewer:
            return str(_("A reviewer"))
        return event.actor.email


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=1000, help_text=_("Kept in the history.")
    )


class LogoUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("A PNG of exactly the slot's size."))


class SlotSerializer(serializers.Serializer):
    key = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class RequirementsSerializer(serializers.Serializer):
    """The limits an offer is checked against, by the version it was started under."""

    version = serializers.CharField()
    logo_slots = SlotSerializer(many=True)
    logo_max_bytes = serializers.IntegerField()
    min_uptime_percent = serializers.DecimalField(max_digits=6, decimal_places=3)
    max_uptime_percent = serializers.DecimalField(max_digits=6, decimal_places=3)
    trial_days = serializers.ListField(child=serializers.IntegerField())
    test_drive_hours = serializers.ListField(child=serializers.IntegerField())
    app_name_max_chars = serializers.IntegerField()
    description_max_text_chars = serializers.IntegerField()
    description_allowed_tags = serializers.SerializerMethodField()

    def get_description_allowed_tags(self, profile) -> list[str]:
        return sorted(profile.description_allowed_tags)


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    field = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class ErrorsSerializer(serializers.Serializer):
    errors = ErrorSerializer(many=True)
