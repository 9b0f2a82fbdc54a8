"""Decisions about accounts that are ours (sign-up, sign-in and passwords are django-allauth's):
the remembered language, invitations, deactivation, and an admin's reset
of a lost second factor."""

from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.timesince import timeuntil

from accounts.models import Role, User
from accounts.tokens import invitation_token_generator


def remember_language(user, language):
    """Pages and e-mails for this person use `language` from now on, on every device."""
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language


# Accounts made by an admin: an invitation to choose a password.


class InvitationInvalid(Exception):
    """The invitation link no longer holds: used, expired, superseded, or the account is off."""


def invite_user(email, role=Role.REVIEWER, *, invited_by):
    """A new account made by an admin, without a password, and an e-mail to choose one."""
    return invite(User(email=email.strip().lower(), role=role), invited_by=invited_by)


@transaction.atomic
def invite(user, *, invited_by):
    """Save a new account (an unsaved User, e.g. from the admin's form) and invite it."""
    user.set_unusable_password()
    user.save()
    _send_invitation_after_commit(user, invited_by)
    return user


def reinvite(users, *, invited_by):
    """A fresh invitation for each active account that has no password yet; the links sent
    before stop working. Returns the accounts invited."""
    with transaction.atomic():
        invited = [user for user in users if _renew_invitation(user)]
        for user in invited:
            _send_invitation_after_commit(user, invited_by)
    return invited


def _renew_invitation(user):
    # A new unusable password changes every link's hash. Conditional, so that a password chosen
    # a moment ago through the previous link is never overwritten.
    if not user.is_active or user.has_usable_password():
        return False
    previous = user.password
    user.set_unusable_password()
    return User.objects.filter(pk=user.pk, password=previous).update(password=user.password) == 1


def _send_invitation_after_commit(user, invited_by):
    inviter = invited_by.get_full_name() or invited_by.email
    # robust: the account is saved whatever the mail server says; a failure is logged, and the
    # admin's "Send the invitation again" repeats it.
    user_id = user.pk
    transaction.on_commit(lambda: send_invitation(user_id, inviter=inviter), robust=True)


def send_invitation(user_id, *, inviter):
    """The invitation e-mail, in the invitee's language, with a link made from the account as it
    is now. Nothing is sent to an account that is inactive or already has a password."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.has_usable_password():
        return
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "email": user.email,
            "role": user.get_role_display(),
            "inviter": inviter,
            "link": invitation_url(user),
            "lifetime": invitation_lifetime(),
        }
        subject = render_to_string("emails/invitation_subject.txt", context)
        body = render_to_string("emails/invitation.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])


def invitation_url(user):
    token = invitation_token_generator.make_token(user)
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("accounts:invitation", kwargs={"uidb64": uidb64, "token": token})
    return settings.SITE_URL.rstrip("/") + path


def invitation_lifetime():
    """How long an invitation link works, in words of the active language ("3 days")."""
    now = timezone.now()
    return timeuntil(now + timedelta(seconds=settings.INVITATION_TIMEOUT_SECONDS), now)


def invitation_is_valid(user, token):
    return user.is_active and invitation_token_generator.check_token(user, token)


def accept_invitation(user, token, password, *, language=""):
    """Set the invited person's first password, and their language if they have none yet (the
    page's). The link came to their mailbox, so their address counts as verified. Raises
    InvitationInvalid if the link no longer holds, also when it was used a moment ago in another
    tab: the row is locked and checked again."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not invitation_is_valid(user, token):
            raise InvitationInvalid
        user.set_password(password)
        user.language = user.language or language
        user.save(update_fields=["password", "language"])
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
    return user


# Deactivation.


@transaction.atomic
def deactivate_accounts(users, *, acting):
    """Deactivate these accounts, never the acting admin's own, and end their sessions now
    (Django would refuse them on their next request anyway; this leaves nothing behind).
    Returns how many were deactivated."""
    ids = list(users.exclude(pk=acting.pk).values_list("pk", flat=True))
    User.objects.filter(pk__in=ids).update(is_active=False)
    end_sessions(ids)
    return len(ids)


def end_sessions(user_ids):
    """Sign these accounts out everywhere: every session allauth recorded for them ends."""
    for session in UserSession.objects.filter(user_id__in=user_ids):
        session.end()


# A lost authenticator app.


@transaction.atomic
def reset_two_factor(users, *, acting):
    """For someone who lost their authenticator app and their recovery codes: their second
    factor is removed and they are signed out everywhere, so that whoever holds a session
    cannot set up a new one in their place. At the next sign-in (password only) a reviewer or
    admin sets up a new app before any staff page opens. Never the acting admin's own (the
    two-factor page is theirs). Returns the accounts reset."""
    reset = list(
        users.exclude(pk=acting.pk).filter(authenticator__isnull=False).distinct().order_by("email")
    )
    ids = [user.pk for user in reset]
    Authenticator.objects.filter(user_id__in=ids).delete()
    end_sessions(ids)
    return reset
