from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.forms import read_only
from accounts.services import invitation_lifetime
from organisations import conflicts, current, services
from organisations.access import Right, ensure, may, refusal
from organisations.forms import (
    ApiKeyForm,
    EmailChoicesForm,
    InviteForm,
    OrganisationForm,
    RoleForm,
)
from organisations.models import Membership, Organisation


@login_required
def detail(request):
    """The organisation the person works in: its details, which owners change."""
    membership = current.current_membership(request)
    if membership is None:
        return render(request, "organisations/none.html")
    organisation = membership.organisation
    form = OrganisationForm(request.POST or None, initial=services.details_initial(organisation))
    may_manage = may(membership, Right.MANAGE)
    if not may_manage:
        read_only(form)
    context = {
        "membership": membership,
        "organisation": organisation,
        "form": form,
        "read_only_note": None if may_manage else refusal(membership, Right.MANAGE),
        "version": organisation.version,
        "conflict": None,
    }
    if request.method == "POST":
        ensure(membership, Right.MANAGE)
        if form.is_valid():
            try:
                services.save_details(
                    organisation,
                    form.cleaned_data,
                    user=request.user,
                    seen_version=conflicts.posted_version(request.POST.get("version")),
                )
            except services.SavedMeanwhile as conflict:
                stored = services.details_initial(Organisation.objects.get(pk=organisation.pk))
                shown = conflicts.shown(request.user, conflict, form, stored)
                context.update(conflict=shown, version=conflict.version)
            else:
                messages.success(request, _("The organisation's details were saved."))
                return redirect("organisations:detail")
    return render(request, "organisations/detail.html", context)


@login_required
@require_POST
def switch(request):
    """Work in another of the person's organisations; back to the page they were on."""
    try:
        chosen = current.choose(request, int(request.POST.get("organisation", "")))
    except ValueError:
        chosen = None
    if chosen is None:
        raise Http404
    messages.success(request, _("You are now working in %(name)s.") % {"name": chosen.organisation})
    following = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(following, {request.get_host()}, request.is_secure()):
        following = ""
    return redirect(following or "offers:list")


# Members.


def _current_or_404(request, right=Right.VIEW):
    """The membership of the organisation the person works in, if it allows `right`: 404 for
    someone in no organisation (or removed a moment ago), 403 for a role without the right."""
    membership = current.current_membership(request)
    if membership is None:
        raise Http404
    ensure(membership, right)
    return membership


def _member_or_404(membership, pk):
    """Another member of the same organisation, never of another."""
    queryset = Membership.objects.select_related("user", "organisation")
    return get_object_or_404(queryset, pk=pk, organisation_id=membership.organisation_id)


@login_required
def members(request):
    membership = _current_or_404(request)
    return _render_members(request, membership)


def _render_members(request, membership, invite_form=None, status=200):
    organisation = membership.organisation
    may_manage = may(membership, Right.MANAGE)
    context = {
        "membership": membership,
        "organisation": organisation,
        "members": services.members_of(organisation),
        "may_manage": may_manage,
        "invitations": services.pending_invitations(organisation) if may_manage else [],
        "invite_form": invite_form or InviteForm(organisation=organisation),
        "role_choices": RoleForm.base_fields["role"].choices,
        "email_form": EmailChoicesForm(instance=membership),
        "invitation_lifetime": invitation_lifetime(),
        "now": timezone.now(),
    }
    return render(request, "organisations/members.html", context, status=status)


@login_required
@require_POST
def invite(request):
    membership = _current_or_404(request, Right.MANAGE)
    form = InviteForm(request.POST, organisation=membership.organisation)
    if not form.is_valid():
        return _render_members(request, membership, invite_form=form)
    email, role = form.cleaned_data["email"], form.cleaned_data["role"]
    services.invite(membership.organisation, email, role, invited_by=request.user)
    messages.success(request, _("An invitation was sent to %(email)s.") % {"email": email})
    return redirect("organisations:members")


@login_required
@require_POST
def change_role(request, pk):
    membership = _current_or_404(request, Right.MANAGE)
    member = _member_or_404(membership, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles."))
        return redirect("organisations:members")
    try:
        services.change_role(member, form.cleaned_data["role"])
    except services.MembersRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("%(member)s is now %(role)s.")
            % {"member": member.user.email, "role": member.get_role_display()},
        )
    return redirect("organisations:members")


@login_required
@require_POST
def remove(request, pk):
    """An owner removes a member; any member may leave."""
    membership = _current_or_404(request)
    member = _member_or_404(membership, pk)
    leaving = member.pk == membership.pk
    if not leaving:
        ensure(membership, Right.MANAGE)
    try:
        services.remove(member)
    except services.MembersRefused as refused:
        messages.error(request, refused.message)
        return redirect("organisations:members")
    if leaving:
        messages.success(
            request, _("You left %(organisation)s.") % {"organisation": member.organisation}
        )
        return redirect("offers:list")
    messages.success(request, _("%(member)s was removed.") % {"member": member.user.email})
    return redirect("organisations:members")


@login_required
@require_POST
def revoke_invitation(request, pk):
    membership = _current_or_404(request, Right.MANAGE)
    invitation = get_object_or_404(
        membership.organisation.invitations.filter(accepted_at=None), pk=pk
    )
    invitation.delete()
    messages.success(
        request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}
    )
    return redirect("organisations:members")


@login_required
@require_POST
def email_choices(request):
    membership = _current_or_404(request)
    form = EmailChoicesForm(request.POST, instance=membership)
    if form.is_valid():  # three boxes: an unticked one is simply False
        services.save_email_choices(membership, form.cleaned_data)
        messages.success(request, _("Your e-mail choices were saved."))
    return redirect("organisations:members")


@never_cache
def join(request, token):
    """The link in an invitation. A visitor signs in or signs up first (with the invited
    address, which then counts as verified: the link came to its mailbox); then joins."""
    invitation = services.pending_invitation(token)
    if invitation is None:
        return render(request, "organisations/join_unusable.html", status=404)
    context = {"invitation": invitation}
    if not request.user.is_authenticated:
        get_adapter(request).stash_verified_email(request, invitation.email)
        return render(request, "organisations/join.html", context)
    context["addressed_to_user"] = services.is_addressed_to(invitation, request.user)
    if request.method != "POST" or not context["addressed_to_user"]:
        return render(request, "organisations/join.html", context)
    try:
        membership = services.accept(invitation, request.user)
    except services.InvitationUnusable:
        return render(request, "organisations/join_unusable.html", status=404)
    current.choose_now(request, membership.organisation_id)
    messages.success(
        request,
        _("You joined %(organisation)s as %(role)s.")
        % {"organisation": invitation.organisation, "role": membership.get_role_display()},
    )
    return redirect("offers:list")


# API keys.


@login_required
def api_keys(request):
    """The organisation's keys for scripts; an owner makes one here and sees it once."""
    membership = _current_or_404(request, Right.MANAGE)
    form = ApiKeyForm(request.POST or None)
    made = None
    if request.method == "POST" and form.is_valid():
        key, raw = services.make_key(
            membership.organisation,
            form.cleaned_data["name"],
            form.cleaned_data["scope"],
            made_by=request.user,
        )
        # Shown in this response only: never in a message, a session or a log.
        made = {"key": key, "raw": raw}
        form = ApiKeyForm()
    context = {
        "organisation": membership.organisation,
        "keys": services.keys_of(membership.organisation),
        "form": form,
        "made": made,
    }
    return render(request, "organisations/api_keys.html", context)


@login_required
@require_POST
def revoke_api_key(request, pk):
    membership = _current_or_404(request, Right.MANAGE)
    key = get_object_or_404(membership.organisation.api_keys, pk=pk)
    services.revoke_key(key)
    messages.success(request, _("The key “%(name)s” no longer works.") % {"name": key.name})
    return redirect("organisations:api_keys")
