"""Decisions about accounts: sign-up, the publisher profile, and the sign-in lockout."""

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from accounts.models import PublisherProfile, Role, User

# Many people can share one office address, so a client address gets more tries than an account.
_IP_LIMIT_FACTOR = 4


def _now():
    return time.time()


def _client_ip(request):
    # REMOTE_ADDR only: a forwarded header is written by the client and would make the limit moot.
    return (request.META.get("REMOTE_ADDR") or "unknown") if request else "unknown"


def _lock_keys(email, request):
    limit = settings.LOGIN_FAILURE_LIMIT
    return [
        (f"login:email:{(email or '').strip().lower()}", limit),
        (f"login:ip:{_client_ip(request)}", limit * _IP_LIMIT_FACTOR),
    ]


def lockout_seconds_left(email, request):
    """Seconds until this e-mail address and client may try to sign in again; 0 if they may."""
    until = max((cache.get(f"{key}:until") or 0) for key, _limit in _lock_keys(email, request))
    return max(0, math.ceil(until - _now()))


def record_failed_login(email, request):
    """Count a failed sign-in; at the limit, lock the key for LOGIN_LOCKOUT_SECONDS."""
    window = settings.LOGIN_LOCKOUT_SECONDS
    for key, limit in _lock_keys(email, request):
        if _increment(f"{key}:count", window) >= limit:
            cache.set(f"{key}:until", _now() + window, timeout=window + 60)
            cache.delete(f"{key}:count")


def _increment(key, timeout):
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:
        # The count expired between add and incr: this failure starts a new window.
        cache.set(key, 1, timeout=timeout)
        return 1


def clear_failed_logins(email, request):
    """A successful sign-in clears the account's count; the client's stays, so that one good
    account cannot be used to reset the count of guesses against others."""
    (account_key, _limit), _client = _lock_keys(email, request)
    cache.delete(f"{account_key}:count")


def lift_account_lockout(email):
    """A password reset proves the mailbox: the account may sign in at once with the new
    password, as the lockout message promises. The client addresses' counts stay."""
    (account_key, _limit), _client = _lock_keys(email, None)
    cache.delete_many([f"{account_key}:count", f"{account_key}:until"])


def sign_up(*, email, password):
    """A new publisher account: anyone may sign up as a publisher, never as staff."""
    with transaction.atomic():
        return User.objects.create_user(email=email, password=password, role=Role.PUBLISHER)


def publisher_profile_initial(user):
    """The profile as form data; a new publisher starts with their sign-in address."""
    try:
        profile = user.publisher_profile
    except PublisherProfile.DoesNotExist:
        return {"microsoft_account": user.email}
    return {field: getattr(profile, field) for field in PROFILE_FIELDS}


PROFILE_FIELDS = (
    "company_name",
    "registration_type",
    "mpn_id",
    "marketplace_publisher_id",
    "microsoft_account",
)


@transaction.atomic
def save_publisher_profile(user, data):
    """Create or update the publisher's profile from a valid PublisherProfileForm."""
    values = {field: data[field] for field in PROFILE_FIELDS}
    profile, _created = PublisherProfile.objects.update_or_create(user=user, defaults=values)
    user.publisher_profile = profile
    return profile
