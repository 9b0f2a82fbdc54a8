"""The offers in the Django admin, read-only: every change goes through offers.services, which
writes the audit trail; an edit here would bypass it."""

from django.contrib import admin
from django.db import models

from offers.models import Check, Logo, Offer, OfferEvent, ReviewReason


class ReadOnlyAdminMixin:
    """View only, for admins too: no add, change or delete pages, and no delete action."""

    # Only to silence Django 5's warning about the future default: nothing here is typed in.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LogoInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Logo
    extra = 0
    readonly_fields = ("slot", "width", "height", "size_bytes", "uploaded_at")
    exclude = ("image", "clean_image")


class OfferEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = OfferEvent
    extra = 0

    def get_queryset(self, request):
        # One query for the whole history, not one more per event for its actor.
        return super().get_queryset(request).select_related("actor")

    fields = (
        "created_at",
        "kind",
        "actor",
        "from_status",
        "to_status",
        "revision",
        "reason",
        "internal_note",
    )
    readonly_fields = fields
    show_change_link = True


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "organisation", "status", "revision", "submitted_at", "updated_at")
    list_filter = ("status", "requirements_version")
    search_fields = ("app_name", "created_by__email", "organisation__company_name")
    list_select_related = ("organisation",)
    inlines = [LogoInline, OfferEventInline]


class ReviewReasonInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ReviewReason
    extra = 0
    fields = ("requirement", "comment")
    readonly_fields = fields


@admin.register(OfferEvent)
class OfferEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit log: who changed which offer, when, from what to what, and why."""

    list_display = ("created_at", "offer", "kind", "from_status", "to_status", "actor", "revision")
    list_filter = ("kind", "to_status")
    search_fields = ("offer__app_name", "offer__organisation__company_name", "actor__email")
    list_select_related = ("offer", "actor")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-pk")
    inlines = [ReviewReasonInline]


@admin.register(Check)
class CheckAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("offer", "revision", "kind", "subject", "status", "attempts", "finished_at")
    list_filter = ("status", "kind")
    search_fields = ("offer__app_name", "offer__organisation__company_name", "subject")
    list_select_related = ("offer",)
