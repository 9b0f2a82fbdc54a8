from django.contrib import admin

from organisations.models import Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("user", "role", "joined_at")
    readonly_fields = ("joined_at",)
    raw_id_fields = ("user",)
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = (
        "company_name",
        "registration_type",
        "mpn_id",
        "microsoft_account",
        "created_at",
    )
    list_filter = ("registration_type",)
    search_fields = ("company_name", "mpn_id", "marketplace_publisher_id", "microsoft_account")
    inlines = [MembershipInline]
