from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import NamedRequiredMessages
from webhooks.models import EventType
from webhooks.validators import validate_endpoint_url


class EndpointForm(NamedRequiredMessages, forms.Form):
    """An owner registers an endpoint: where to send, and which events."""

    url = forms.CharField(
        label=_("URL"),
        max_length=500,
        validators=[validate_endpoint_url],
        help_text=_(
            "Where Offer Desk posts the events, such as https://example.com/hooks/offer-desk. "
            "It must be reachable from the internet."
        ),
        widget=forms.TextInput(
            attrs={"inputmode": "url", "spellcheck": "false", "autocomplete": "off"}
        ),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event to send to this endpoint.")},
        help_text=_("Which news of the organisation’s offers this endpoint receives."),
    )
