"""The submission API: everything the wizard does, from a script, as the key's organisation.

Each view does what the wizard's views do, through the same services: answers are checked by
the wizard's forms (api.answers), status changes go through offers.services, and an offer of
another organisation answers 404, never a hint that it exists."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from api import answers, conditions, serializers
from api.errors import Refused, error, from_validation_error
from api.idempotency import PARAMETER as IDEMPOTENCY_KEY
from api.idempotency import idempotent
from offers import logos, queries, services, workflow
from offers.forms import LogoField
from offers.models import Check, EventKind, Offer, OfferStatus
from offers.requirements import PROFILES
from organisations.services import SavedMeanwhile

ERRORS = OpenApiResponse(serializers.ErrorsSerializer, description=_("Errors as data."))
REFUSALS = dict.fromkeys((400, 401, 403, 404, 409, 412, 415, 422, 429), ERRORS)
STATUS_FILTER = OpenApiParameter(
    "status",
    OpenApiTypes.STR,
    enum=OfferStatus.values,
    many=True,
    description=_("Only offers in these states; repeat it for several."),
)


def _not_editable(offer):
    return Refused(
        [
            error(
                "not_editable",
                None,
                _("The offer is “%(status)s”: its answers can no longer change.")
                % {"status": offer.get_status_display()},
            )
        ],
        status.HTTP_409_CONFLICT,
    )


class OfferViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The offers of the key's organisation, most recently changed first."""

    serializer_class = serializers.OfferSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema asks, without a key
            return Offer.objects.none()
        return Offer.objects.filter(organisation=self.request.auth.organisation)

    def filter_queryset(self, queryset):
        wanted = self.request.query_params.getlist("status")
        unknown = [value for value in wanted if value not in OfferStatus.values]
        if unknown:
            raise Refused(
                [
                    error(
                        "invalid_choice",
                        "status",
                        _("“%(value)s” is not a state; the states are %(states)s.")
                        % {"value": unknown[0], "states": ", ".join(OfferStatus.values)},
                    )
                ]
            )
        return queryset.filter(status__in=wanted) if wanted else queryset

    @extend_schema(
        parameters=[STATUS_FILTER], responses={200: serializers.OfferSerializer, **REFUSALS}
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: serializers.OfferDetailSerializer, **REFUSALS})
    def retrieve(self, request, pk=None):
        return self._shown(self._offer(pk))

    @extend_schema(
        request=serializers.OfferAnswers,
        responses={201: serializers.OfferDetailSerializer, **REFUSALS},
        parameters=[IDEMPOTENCY_KEY],
    )
    @idempotent
    def create(self, request):
        """Start a draft, with any answers already known. Nothing is kept if one is refused."""
        key = request.auth
        with transaction.atomic():
            offer = services.start_offer_with_key(key)
            found = self._valid_answers(offer, request.data)
            services.save_answers(offer, found, api_key=key, kind=EventKind.STARTED)
        return self._shown(self._offer(offer.pk), status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.OfferAnswers,
        responses={200: serializers.OfferDetailSerializer, **REFUSALS},
        parameters=[conditions.IF_MATCH],
    )
    def partial_update(self, request, pk=None):
        """Change any answers of any steps; send If-Match with the ETag you read to refuse a
        change someone made since (412)."""
        with transaction.atomic():
            offer = self._locked(pk)
            conditions.ensure_current(request, offer)
            if not offer.is_editable:
                raise _not_editable(offer)
            found = self._valid_answers(offer, request.data)
            try:
                services.save_answers(offer, found, api_key=request.auth)
            except SavedMeanwhile:
                raise conditions.precondition_failed() from None
        return self._shown(self._offer(pk))

    @extend_schema(
        request=None,
        responses={202: serializers.OfferDetailSerializer, **REFUSALS},
        parameters=[conditions.IF_MATCH, IDEMPOTENCY_KEY],
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def submit(self, request, pk=None):
        """Send the offer for its checks. 409 names every step and answer still missing; the
        status then moves on by itself (poll the offer, or receive the webhooks)."""
        offer = self._offer(pk)
        conditions.ensure_current(request, offer)
        try:
            services.submit_offer(offer, actor=None, api_key=request.auth)
        except workflow.NotEditable:
            raise _not_editable(offer) from None
        except workflow.IncompleteOffer as incomplete:
            raise Refused(
                answers.incomplete_errors(incomplete.errors), status.HTTP_409_CONFLICT
            ) from None
        return self._shown(self._offer(pk), status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=serializers.WithdrawSerializer,
        responses={200: serializers.OfferDetailSerializer, **REFUSALS},
        parameters=[IDEMPOTENCY_KEY],
    )
    @action(detail=True, methods=["post"])
    @idempotent
    def withdraw(self, request, pk=None):
        """Take a submitted offer back before a decision. It cannot be submitted again."""
        offer = self._offer(pk)
        form = serializers.WithdrawSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            services.withdraw(
                offer,
                actor=None,
                api_key=request.auth,
                reason=form.validated_data.get("reason", ""),
            )
        except workflow.DecisionRefused as refused:
            raise Refused(
                [error("not_undecided", None, refused.message)], status.HTTP_409_CONFLICT
            ) from None
        return self._shown(self._offer(pk))

    @extend_schema(responses={200: serializers.CheckSerializer(many=True), **REFUSALS})
    @action(detail=True, methods=["get"], pagination_class=None)
    def checks(self, request, pk=None):
        """The checks of the latest submission, each with its outcome once it has one."""
        offer = self._offer(pk)
        found = Check.objects.current_round(offer)
        return Response(serializers.CheckSerializer(found, many=True).data)

    @extend_schema(responses={200: serializers.EventSerializer(many=True), **REFUSALS})
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request, pk=None):
        """The offer's history, newest first: status changes with their reasons, and changes
        made through the API."""
        offer = self._offer(pk)
        found = queries.timeline(offer, with_assignments=False)
        return Response(serializers.EventSerializer(found, many=True).data)

    @extend_schema(
        methods=["GET"],
        request=None,
        responses={(200, "image/png"): OpenApiTypes.BINARY, **REFUSALS},
    )
    @extend_schema(
        methods=["PUT"],
        request={"multipart/form-data": serializers.LogoUploadSerializer},
        responses={200: serializers.OfferDetailSerializer, **REFUSALS},
        parameters=[conditions.IF_MATCH, IDEMPOTENCY_KEY],
    )
    @action(
        detail=True,
        methods=["get", "put"],
        url_path=r"logos/(?P<slot>[0-9]+x[0-9]+)",
        parser_classes=[MultiPartParser],
    )
    @idempotent
    def logo(self, request, pk=None, slot=None):
        """GET: the served copy of a slot's logo. PUT: a PNG for the slot, as the field
        `file`, checked as the wizard checks it."""
        offer = self._offer(pk)
        if request.method == "GET":
            return logos.serve_clean_copy(offer, slot)
        found = next((s for s in offer.requirements.logo_slots if s.key == slot), None)
        if found is None:
            raise Http404
        upload = self._valid_logo(offer, found, request.data.get("file"))
        with transaction.atomic():
            locked = self._locked(pk)
            conditions.ensure_current(request, locked)
            if not locked.is_editable:
                raise _not_editable(locked)
            try:
                services.store_logos(locked, {found.key: upload})
            except logos.StorageUnavailable:
                raise conditions.store_unavailable() from None
            services.record_key_change(locked, request.auth, ["marketing"])
        return self._shown(self._offer(pk))

    def _valid_logo(self, offer, slot, upload):
        field_name = f"{answers.LOGOS}.{slot.key}"
        if not hasattr(upload, "read"):
            raise Refused(
                [error("required", field_name, _("Send the PNG as the multipart field “file”."))]
            )
        field = LogoField(slot=slot, max_bytes=offer.requirements.logo_max_bytes)
        try:
            return field.clean(upload)
        except ValidationError as refused:
            raise Refused(from_validation_error(field_name, refused)) from None

    def _valid_answers(self, offer, changes):
        found, errors = answers.validate(offer, changes)
        if errors:
            raise Refused(errors)
        return found

    def _offer(self, pk):
        offer = (
            self.get_queryset()
            .select_related("organisation", "created_by", "api_key")
            .prefetch_related("logos")
            .filter(pk=_number(pk))
            .first()
        )
        if offer is None:
            raise Http404
        return offer

    def _locked(self, pk):
        offer = (
            self.get_queryset()
            .for_status_change()
            .select_related("organisation")
            .filter(pk=_number(pk))
            .first()
        )
        if offer is None:
            raise Http404
        return offer

    def _shown(self, offer, code=status.HTTP_200_OK):
        response = Response(serializers.OfferDetailSerializer(offer).data, status=code)
        response["ETag"] = conditions.etag(offer)
        if code == status.HTTP_201_CREATED:
            response["Location"] = f"{self.request.path}{offer.pk}/"
        return response


def _number(pk):
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404 from None


class RequirementsViewSet(viewsets.ViewSet):
    """The requirements profiles: each offer names the version it is checked against, so a
    script reads sizes and limits here instead of writing them down."""

    lookup_field = "version"
    lookup_value_regex = r"[0-9A-Za-z.-]+"

    @extend_schema(responses={200: serializers.RequirementsSerializer, **REFUSALS})
    def retrieve(self, request, version=None):
        profile = PROFILES.get(version)
        if profile is None:
            raise Http404
        return Response(serializers.RequirementsSerializer(profile).data)

    @extend_schema(responses={200: serializers.RequirementsSerializer(many=True), **REFUSALS})
    def list(self, request):
        return Response(serializers.RequirementsSerializer(PROFILES.values(), many=True).data)
