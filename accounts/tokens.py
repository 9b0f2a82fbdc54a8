"""The link in an invitation: signed like a password-reset link, but with its own salt and life.

The hash covers the password (Django's), so the link stops working once a password is chosen,
and when an admin sends a new invitation (which draws a new unusable password)."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    # Its own salt: a password-reset token is never an invitation token, and the other way round.
    key_salt = "accounts.tokens.InvitationTokenGenerator"

    def check_token(self, user, token):
        # Django's check_token applies PASSWORD_RESET_TIMEOUT; an invitation has its own limit.
        if not (user and token):
            return False
        try:
            timestamp = base36_to_int(token.partition("-")[0])
        except ValueError:
            return False
        signed = any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )
        age = self._num_seconds(self._now()) - timestamp
        return signed and age <= settings.INVITATION_TIMEOUT_SECONDS


invitation_token_generator = InvitationTokenGenerator()
