"""The rows of "My offers": each offer and each piece of news with its words and links worked
out here, so that the template only places them. Drawn by tags and filters, each row reversed
its links, hashed every translated choice of its field for one label (get_FOO_display) and
formatted its date through the template engine; and an organisation's list has every offer it
ever started, shown a page at a time (paged)."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from offers.models import NotificationKind, OfferStatus


def paged(rows, number, per_page):
    """(the rows to show, Paginator's page for the links, or None when there is one page).

    Paginator counts the rows with a query of its own. Opened without a page number, the
    first page reads one row more than it shows: when that row is not there, the rows read are
    all there are, and nothing needs counting."""
    if number is None:
        first = list(rows[: per_page + 1])
        if len(first) <= per_page:
            return first, None
        shown = first[:per_page]
        return shown, Page(shown, 1, Paginator(rows, per_page))  # the rows already read
    # A number that is not a page shows the first page, or the last.
    page = Paginator(rows, per_page).get_page(number)
    return list(page), page


@dataclass(frozen=True)
class OfferRow:
    offer: object
    name: str
    url: str  # the offer's status page
    status: str
    status_label: str
    changed: str
    action_url: str  # the wizard for an offer that can still change, else the status page
    action_label: str

    @classmethod
    def of(cls, offer):
        url = reverse("offers:detail", args=[offer.pk])
        editable = offer.is_editable
        return cls(
            offer=offer,
            name=str(offer),
            url=url,
            status=offer.status,
            status_label=str(OfferStatus(offer.status).label),
            changed=_local_datetime(offer.updated_at),
            action_url=reverse("offers:wizard_resume", args=[offer.pk]) if editable else url,
            action_label=_("Continue") if editable else _("View"),
        )


@dataclass(frozen=True)
class NewsRow:
    notification: object
    offer_name: str
    offer_url: str
    kind: str
    kind_label: str
    created_iso: str
    created: str

    @classmethod
    def of(cls, notification):
        return cls(
            notification=notification,
            offer_name=str(notification.offer),
            offer_url=reverse("offers:detail", args=[notification.offer_id]),
            kind=notification.kind,
            kind_label=str(NotificationKind(notification.kind).label),
            created_iso=timezone.localtime(notification.created_at).isoformat(),
            created=_local_datetime(notification.created_at),
        )


def _local_datetime(value):
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
