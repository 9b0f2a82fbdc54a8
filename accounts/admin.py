from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.db.models import Exists, OuterRef, Prefetch
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.forms import UniqueEmailMixin
from accounts.models import Role, User
from organisations.models import Membership


class InvitationAdminForm(UniqueEmailMixin, forms.ModelForm):
    """A new account by e-mail only: the person chooses a password from the invitation."""

    class Meta:
        model = User
        fields = ("email", "role")
        help_texts = {
            "role": _(
                "Reviewers decide on offers. Admins decide on offers too, and manage accounts here."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].initial = Role.REVIEWER


class UserChangeAdminForm(UniqueEmailMixin, UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class MembershipInline(admin.TabularInline):
    """The organisations this person belongs to; members are managed on the organisation."""

    model = Membership
    fields = ("organisation", "role", "joined_at")
    readonly_fields = fields
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = InvitationAdminForm
    add_form_template = "admin/accounts/user/invite_form.html"
    inlines = [MembershipInline]
    ordering = ("email",)
    list_display = (
        "email",
        "role",
        "organisations",
        "is_active",
        "has_password",
        "has_two_factor",
        "last_login",
        "date_joined",
    )
    list_filter = ("role", "is_active")
    search_fields = ("email", "memberships__organisation__company_name")
    actions = ["deactivate", "activate", "reinvite", "reset_two_factor"]
    # is_staff follows the role; superuser rights stay with createsuperuser.
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name")}),
        (_("Access"), {"fields": ("role", "is_active")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "role"),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")

    def get_inlines(self, request, obj):
        # The invitation form makes a reviewer or an admin, who belong to no organisation.
        return self.inlines if obj else []

    @admin.display(description=_("organisations"))
    def organisations(self, user):
        names = sorted(
            membership.organisation.company_name for membership in user.memberships.all()
        )
        return ", ".join(names) or "—"

    @admin.display(description=_("password set"), boolean=True)
    def has_password(self, user):
        return user.has_usable_password()

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(two_factor=Exists(Authenticator.objects.filter(user=OuterRef("pk"))))
            .prefetch_related(
                Prefetch("memberships", Membership.objects.select_related("organisation"))
            )
        )

    @admin.display(description=_("second factor"), boolean=True, ordering="two_factor")
    def has_two_factor(self, user):
        return user.two_factor

    def save_model(self, request, obj, form, change):
        if not change:
            services.invite(obj, invited_by=request.user)
            self.message_user(
                request,
                gettext(
                    "An invitation was sent to %(email)s. Its link works once, for %(lifetime)s."
                )
                % {"email": obj.email, "lifetime": services.invitation_lifetime()},
                messages.SUCCESS,
            )
            return
        super().save_model(request, obj, form, change)
        if "is_active" in form.changed_data and not obj.is_active:
            services.end_sessions([obj.pk])

    @admin.action(description=_("Deactivate the selected accounts"))
    def deactivate(self, request, queryset):
        count = services.deactivate_accounts(queryset, acting=request.user)
        self.message_user(
            request,
            ngettext("%(count)d account deactivated.", "%(count)d accounts deactivated.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Activate the selected accounts"))
    def activate(self, request, queryset):
        count = queryset.update(is_active=True)
        self.message_user(
            request,
            ngettext("%(count)d account activated.", "%(count)d accounts activated.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Send the invitation again"))
    def reinvite(self, request, queryset):
        users = list(queryset)
        invited = services.reinvite(users, invited_by=request.user)
        if invited:
            self.message_user(
                request,
                ngettext(
                    "Invitation sent again to %(count)d account; earlier links no longer work.",
                    "Invitation sent again to %(count)d accounts; earlier links no longer work.",
                    len(invited),
                )
                % {"count": len(invited)},
                messages.SUCCESS,
            )
        skipped = len(users) - len(invited)
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d account skipped: only active accounts without a password can be "
                    "invited.",
                    "%(count)d accounts skipped: only active accounts without a password can be "
                    "invited.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Reset two-factor authentication (a lost authenticator app)"))
    def reset_two_factor(self, request, queryset):
        reset = services.reset_two_factor(queryset, acting=request.user)
        for user in reset:
            self.log_change(request, user, gettext("Two-factor authentication reset."))
        self.message_user(
            request,
            ngettext(
                "Two-factor authentication reset for %(count)d account; it is signed out "
                "everywhere.",
                "Two-factor authentication reset for %(count)d accounts; they are signed out "
                "everywhere.",
                len(reset),
            )
            % {"count": len(reset)},
            messages.SUCCESS,
        )
