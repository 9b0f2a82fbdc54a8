from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotentRequest(models.Model):
    """The first answer to a request sent with an Idempotency-Key, replayed to its retries for
    a day (api.idempotency). A row without a status is a request still under way."""

    api_key = models.ForeignKey(
        "organisations.ApiKey",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("API key"),
    )
    key = models.CharField(_("idempotency key"), max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    # The answer's JSON as text, not a JSONField: PostgreSQL's jsonb cannot hold a \u0000, which
    # an error naming a field the client sent may well contain.
    body = models.TextField(null=True)
    headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(_("first sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")
        constraints = [
            models.UniqueConstraint(fields=["api_key", "key"], name="one_answer_per_key"),
        ]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self):
        return f"{self.api_key_id}:{self.key}"
