"""Decisions about organisations: founding one, its details, and its members."""

import hashlib
import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import invitation_lifetime
from organisations.models import ApiKey, Invitation, MemberRole, Membership, Organisation

DETAIL_FIELDS = (
    "company_name",
    "registration_type",
    "mpn_id",
    "marketplace_publisher_id",
    "microsoft_account",
)


@transaction.atomic
def found(user, details):
    """A new organisation from a valid OrganisationForm, with `user` as its first owner.
    Returns the owner's membership."""
    organisation = Organisation.objects.create(**_values(details))
    return Membership.objects.create(organisation=organisation, user=user, role=MemberRole.OWNER)


class SavedMeanwhile(Exception):
    """Someone saved what is being saved after the page being posted was shown: who, when, and
    the version the page should carry to save over it. Raised for the organisation's details
    here and for an offer's wizard steps by offers.services.save_step."""

    def __init__(self, changed_by, changed_at, version):
        super().__init__(changed_by, changed_at, version)
        self.changed_by, self.changed_at, self.version = changed_by, changed_at, version


def save_details(organisation, details, *, user=None, seen_version=None):
    """Change the organisation's details from a valid OrganisationForm. `seen_version` is their
    version when the page was shown: if another save came in since, nothing is saved and
    SavedMeanwhile says whose. A conditional UPDATE: no lock outlives the request."""
    values = {**_values(details), "updated_by": user, "updated_at": timezone.now()}
    rows = Organisation.objects.filter(pk=organisation.pk)
    if seen_version is not None:
        rows = rows.filter(version=seen_version)
    if not rows.update(**values, version=F("version") + 1):
        stored = Organisation.objects.select_related("updated_by").get(pk=organisation.pk)
        raise SavedMeanwhile(stored.updated_by, stored.updated_at, stored.version)
    for field, value in values.items():
        setattr(organisation, field, value)
    organisation.refresh_from_db(fields=["version"])


def details_initial(organisation, user=None):
    """The details as form data; a new publisher starts with their sign-in address."""
    if organisation is None:
        return {"microsoft_account": user.email} if user is not None else {}
    return {field: getattr(organisation, field) for field in DETAIL_FIELDS}


def _values(details):
    return {field: details[field] for field in DETAIL_FIELDS}


# Members.


def members_of(organisation):
    """The members with their accounts, owners first, then alphabetically: one query."""
    order = {role: index for index, role in enumerate(MemberRole.values)}
    found = Membership.objects.filter(organisation=organisation).select_related("user")
    return sorted(found, key=lambda member: (order[member.role], member.user.email))


def pending_invitations(organisation):
    """Invitations not yet accepted, the expired ones included (the page says so)."""
    return list(organisation.invitations.filter(accepted_at=None).order_by("-created_at"))


class MembersRefused(Exception):
    """A change to the members that would break a rule; `message` says which, for the page."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@transaction.atomic
def change_role(membership, role):
    """Give the member another role; never the last owner's, so that someone can always manage
    the organisation."""
    if membership.role == MemberRole.OWNER and role != MemberRole.OWNER:
        _ensure_another_owner(membership)
    Membership.objects.filter(pk=membership.pk).update(role=role)
    membership.role = role


@transaction.atomic
def remove(membership):
    """The member leaves, or is removed: their next request to any of the organisation's pages
    answers 404. The last owner stays."""
    if membership.role == MemberRole.OWNER:
        _ensure_another_owner(membership)
    membership.delete()


def _ensure_another_owner(membership):
    # The owners' rows are locked: two owners demoting each other at once take turns, and the
    # second finds that they are the last.
    owners = Membership.objects.select_for_update().filter(
        organisation_id=membership.organisation_id, role=MemberRole.OWNER
    )
    if not owners.exclude(pk=membership.pk).exists():
        message = _("%(member)s is the last owner: make someone else an owner first.")
        raise MembersRefused(message % {"member": membership.user.email})


def save_email_choices(membership, choices):
    """Which news the member also receives by e-mail, from a valid EmailChoicesForm."""
    Membership.objects.filter(pk=membership.pk).update(**choices)
    for field, value in choices.items():
        setattr(membership, field, value)


# Invitations.


def invite(organisation, email, role, *, invited_by):
    """Invite `email` to join as `role`: an e-mail with a link that works once, until it
    expires. A pending invitation to the same address is replaced (its link stops working)."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        Invitation.objects.filter(
            organisation=organisation, email__iexact=email, accepted_at=None
        ).delete()
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email.strip().lower(),
            role=role,
            token_hash=_hash(token),
            invited_by=invited_by,
            expires_at=timezone.now() + timedelta(seconds=settings.INVITATION_TIMEOUT_SECONDS),
        )
        # robust: the invitation is kept whatever the mail server says; sending it again makes
        # a new link.
        transaction.on_commit(lambda: send_invitation(invitation, token), robust=True)
    return invitation


def send_invitation(invitation, token):
    """The invitation e-mail, in the language of the page that sent it."""
    inviter = invitation.invited_by
    context = {
        "organisation": invitation.organisation.company_name,
        "role": invitation.get_role_display(),
        "inviter": (inviter.get_full_name() or inviter.email) if inviter else "",
        "email": invitation.email,
        "link": settings.SITE_URL.rstrip("/") + join_path(token),
        "lifetime": invitation_lifetime(),
    }
    subject = render_to_string("emails/member_invitation_subject.txt", context)
    body = render_to_string("emails/member_invitation.txt", context)
    send_mail(" ".join(subject.split()), body, None, [invitation.email])


def join_path(token):
    return reverse("organisations:join", kwargs={"token": token})


def pending_invitation(token):
    """The invitation this link stands for while it can still be accepted; None otherwise."""
    return (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token_hash=_hash(token), accepted_at=None, expires_at__gt=timezone.now())
        .first()
    )


def is_addressed_to(invitation, user):
    """Whether `user` owns the invited address: it is their sign-in address or one they have
    verified. The link went to that mailbox; someone it was forwarded to cannot use it."""
    if user.email.lower() == invitation.email:
        return True
    return EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists()


class InvitationUnusable(Exception):
    """Accepted, replaced or expired since the page was shown."""


def accept(invitation, user):
    """`user` joins with the invited role; the link stops working. Someone already a member
    keeps the role they have. Returns the membership. Raises InvitationUnusable when the link
    was used a moment ago (the row is locked and checked again)."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
        if locked is None or locked.accepted_at or locked.expires_at <= timezone.now():
            raise InvitationUnusable
        membership, _created = Membership.objects.get_or_create(
            organisation_id=locked.organisation_id, user=user, defaults={"role": locked.role}
        )
        Invitation.objects.filter(pk=locked.pk).update(accepted_at=timezone.now(), accepted_by=user)
    return membership


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


# API keys.

# How often a key's "last used" is written: every request would be a write per API call.
KEY_USE_RESOLUTION = timedelta(minutes=1)


def make_key(organisation, name, scope, *, made_by):
    """A new key for the organisation. Returns (ApiKey, the key itself): the key is shown once
    and never stored, only its hash and its first characters."""
    prefix = "od_" + secrets.token_hex(4)
    raw = f"{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        organisation=organisation,
        name=name,
        scope=scope,
        prefix=prefix,
        key_hash=_hash(raw),
        created_by=made_by,
    )
    return key, raw


def revoke_key(key):
    """The key stops working at once; it stays listed as revoked."""
    ApiKey.objects.filter(pk=key.pk, revoked_at=None).update(revoked_at=timezone.now())


def key_for(raw):
    """The working key that `raw` is, with its organisation; None for an unknown or revoked
    one. Notes its use, at most once a minute."""
    key = (
        ApiKey.objects.select_related("organisation")
        .filter(key_hash=_hash(raw), revoked_at=None)
        .first()
    )
    if key is None:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= KEY_USE_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


def keys_of(organisation):
    """The organisation's keys, working ones first, newest first, with who made them."""
    return list(
        organisation.api_keys.select_related("created_by").order_by(
            F("revoked_at").desc(nulls_first=True), "-created_at"
        )
    )
