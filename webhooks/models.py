"""An organisation's webhook endpoints, and every attempt to deliver a message to one.

The rows hold data; what to send, when to try again and when to stop is decided in
webhooks.services and webhooks.delivery."""

import json
from http import HTTPStatus

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from config.labels import ChoiceLabelsOnce
from offers.checks.messages import render


class EventType(models.TextChoices):
    SUBMITTED = "offer.submitted", _("An offer is submitted")
    CHECKS_FINISHED = "offer.checks_finished", _("The checks of a submission are finished")
    STATUS_CHANGED = "offer.status_changed", _("An offer’s status changes")
    APPROVED = "offer.approved", _("An offer is approved")


class StopReason(models.TextChoices):
    BLOCKED = "blocked", _("Its address is not allowed")
    UNREACHABLE = "unreachable", _("It could not be reached for 24 hours")


class Endpoint(ChoiceLabelsOnce):
    """A URL that receives the organisation's events, signed with its own secret."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("organisation"),
    )
    url = models.CharField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    # Kept as it is, unlike an API key (stored only as a hash): every message is signed with it
    # (HMAC), so it must be at hand for each delivery. It is shown once, when the endpoint is
    # registered, and never again: not on a page, not in the admin, not in a log.
    secret = models.CharField(max_length=100, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    # Set when deliveries stop: its address is refused, or it could not be reached for a day.
    disabled_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    blocked_reason = models.CharField(
        _("why it stopped"), max_length=20, choices=StopReason, blank=True
    )

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self):
        return self.url

    @property
    def is_stopped(self):
        return self.disabled_at is not None

    def wants(self, event_type):
        return event_type in self.events

    def event_labels(self):
        return [EventType(event).label for event in EventType if event in self.events]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class Delivery(ChoiceLabelsOnce):
    """One attempt to deliver one message to one endpoint. Every attempt of a message carries
    its id (the webhook-id header), so a receiver can tell a retry from a new event."""

    endpoint = models.ForeignKey(
        Endpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    message_id = models.CharField(_("message ID"), max_length=40)
    event_type = models.CharField(_("event"), max_length=40, choices=EventType)
    payload = models.JSONField(_("payload"))
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    # Asked for by an owner ("Send again"): tried once, whatever came before.
    manual = models.BooleanField(_("sent again by hand"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=DeliveryStatus, default=DeliveryStatus.PENDING
    )
    due_at = models.DateTimeField(_("due"))
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("taken"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    # In English, with its template and parameters: shown_error translates it for the reader.
    error = models.TextField(_("error"), blank=True)
    error_template = models.TextField(blank=True)
    error_params = models.JSONField(default=dict, blank=True)
    response_excerpt = models.TextField(_("response"), blank=True)
    # When the attempt that follows this failed one is due; empty when none follows.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["endpoint", "-created_at"]),
            models.Index(fields=["endpoint", "message_id"]),
        ]

    def __str__(self):
        return f"{self.message_id} #{self.attempt} to {self.endpoint_id}: {self.status}"

    @property
    def is_delivered(self):
        return self.status == DeliveryStatus.DELIVERED

    @property
    def is_failed(self):
        return self.status == DeliveryStatus.FAILED

    @property
    def shown_error(self):
        """The error in the reader's language."""
        if self.error_template:
            return render(self.error_template, self.error_params)
        return render(self.error) if self.error else ""

    @property
    def is_open(self):
        return self.status in (DeliveryStatus.PENDING, DeliveryStatus.SENDING)

    @property
    def badge(self):
        """The look of its status: that of a check that passed, failed or waits."""
        if self.is_open:
            return "pending"
        return "passed" if self.is_delivered else "failed"

    @property
    def answer(self):
        """The receiver's answer as "500 Internal Server Error"; empty when none came."""
        if self.status_code is None:
            return ""
        try:
            return f"{self.status_code} {HTTPStatus(self.status_code).phrase}"
        except ValueError:
            return str(self.status_code)

    @property
    def payload_text(self):
        return json.dumps(self.payload, ensure_ascii=False, indent=2)
