from django.contrib import admin

from offers.models import Logo, Offer, OfferEvent


class LogoInline(admin.TabularInline):
    model = Logo
    extra = 0
    can_delete = False
    readonly_fields = ("slot", "width", "height", "size_bytes", "uploaded_at")
    exclude = ("image",)


class OfferEventInline(admin.TabularInline):
    model = OfferEvent
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "actor", "from_status", "to_status", "reason")


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    """Read-only: status changes go through the services, never through this page."""

    list_display = ("__str__", "owner", "status", "requirements_version", "updated_at")
    list_filter = ("status", "requirements_version")
    search_fields = ("app_name", "owner__email", "owner__publisher_profile__company_name")
    list_select_related = ("owner",)
    inlines = [LogoInline, OfferEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
