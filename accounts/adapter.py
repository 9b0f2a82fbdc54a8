"""Our part of django-allauth: who a new account is (a publisher, in the language of the page),
what the sign-in page says when the password route is paused, and how its e-mails name the
portal and survive a mail server that is down."""

import logging
import smtplib
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Role

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # Someone may be guessing this account's password: the owner still gets in by code.
        "too_many_login_attempts": _(
            "Too many failed sign-in attempts with a password. Try again in a few minutes, or "
            "sign in now with a one-time code sent to your e-mail address."
        ),
    }

    def _get_login_attempts_cache_key(self, request, **credentials):
        """Failed sign-ins count per account, whatever the request calls the site. allauth's
        own key joins the Host header (with Django's sites framework off, the site is the
        request's host), so an attacker varying its port (example.com:1, :2, ...) would get a
        fresh count each time. One portal, one count: the address alone."""
        return credentials.get("email", credentials.get("username", "")).lower()

    def save_user(self, request, user, form, commit=True):
        """Anyone who signs up is a publisher, never staff (reviewers and admins are invited);
        their e-mails are written in the language of the page they signed up on."""
        user = super().save_user(request, user, form, commit=False)
        user.email = user.email.lower()
        user.role = Role.PUBLISHER
        language = getattr(request, "LANGUAGE_CODE", "")
        user.language = language if language in dict(settings.LANGUAGES) else ""
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix, email, context):
        """allauth's e-mails (codes, reset links, warnings) greet from Offer Desk at SITE_URL,
        not from whatever host the request named. Sent at once, as the person waits for the
        code; when the mail server fails, they read so on the next page and can ask again,
        instead of an error page (the failure is logged)."""
        portal = SimpleNamespace(
            name=gettext("Offer Desk"), domain=urlsplit(settings.SITE_URL).netloc
        )
        try:
            super().send_mail(template_prefix, email, {**context, "current_site": portal})
        except (smtplib.SMTPException, OSError):
            logger.exception("account e-mail %s to be sent again", template_prefix)
            self.request._account_mail_failed = True
            messages.error(
                self.request,
                gettext(
                    "The e-mail to %(email)s could not be sent just now. Wait a few minutes, "
                    "then ask for it again."
                )
                % {"email": email},
            )

    def add_message(self, request, level, message_template=None, *args, **kwargs):
        # Not "Confirmation e-mail sent" after the mail server refused it.
        if getattr(request, "_account_mail_failed", False) and level < messages.WARNING:
            return
        super().add_message(request, level, message_template, *args, **kwargs)
