"""The parts of an offer's pages that update themselves, without a reload.

The publisher's status page and the reviewer's page each hold a region (templates/includes/
live_region.html) that htmx fetches again from the page's fragment view every few seconds while
the offer keeps changing, and a short sentence above it, a live region that screen readers read
out when it changes. Without JavaScript the pages are what they always were.

The fragment answers 204 when nothing changed since what the page shows: htmx then leaves the
page alone, so nothing is read out again every few seconds and nothing is rendered in vain."""

import hashlib
from functools import wraps
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django_htmx.http import HttpResponseClientRefresh

from offers.models import OPEN_CHECK_STATUSES, OfferStatus
from offers.workflow import CHECKING_STATUSES

POLL_TRIGGER = "every 3s"
# What may change the page without anyone on it acting: the checks, which run only in the
# checking states (a check left pending on a withdrawn offer never finishes, so it is not asked
# about), and a reviewer's decision (on the reviewer's page, another reviewer's).
WAITING_STATUSES = (*CHECKING_STATUSES, OfferStatus.IN_REVIEW)


def keeps_changing(offer):
    return offer.status in WAITING_STATUSES


def fingerprint(offer, checks):
    """A short token for what the region shows: the status and the state of each check."""
    state = [offer.status, offer.revision, *((c.pk, c.status, c.attempts) for c in checks)]
    return hashlib.blake2s(repr(state).encode(), digest_size=8).hexdigest()


def unchanged(request, offer, checks):
    """Whether the page that asks already shows this (it sends the token it was given)."""
    return request.GET.get("shown") == fingerprint(offer, checks)


def nothing_new():
    return HttpResponse(status=204)


def page_status(request, offer):
    """The status the asking page was drawn for (its actions follow it); the offer's own status
    for the page itself, or when the page sent none that exists."""
    sent = request.GET.get("page_status")
    return sent if sent in OfferStatus.values else offer.status


def region(offer, checks, *, template, fragment_url, page_url, drawn_for):
    """What includes/live_region.html and includes/live_sentence.html need, as `live`."""
    query = urlencode({"page_status": drawn_for, "shown": fingerprint(offer, checks)})
    return {
        "template": template,
        "poll_url": f"{fragment_url}?{query}" if keeps_changing(offer) else "",
        "poll_trigger": POLL_TRIGGER,
        "page_url": page_url,
        # The page's actions (decide, withdraw, edit, run the checks again) are drawn for the
        # status it was loaded with. The region cannot redraw them all, and reloading by itself
        # would throw away whatever the person was typing there (a decision, a withdrawal's
        # reason), so the sentence offers a link to reload instead.
        "status_changed": _phase(offer.status) != _phase(drawn_for),
        "checks_done": sum(check.status not in OPEN_CHECK_STATUSES for check in checks),
        "checks_total": len(checks),
    }


def _phase(status):
    # Submitted and validating offer the same actions on both pages: the workers only started.
    return "checking" if status in CHECKING_STATUSES else status


def reload_page_when_refused(view):
    """For htmx's polls: when the fragment can no longer be shown (signed out meanwhile, or the
    access lost), htmx reloads the whole page, which then says why (the sign-in page, 404 or
    403), instead of swapping the sign-in form into the region or asking in vain forever."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except (Http404, PermissionDenied):
            if request.htmx:
                return HttpResponseClientRefresh()
            raise
        if request.htmx and response.status_code == 302:
            return HttpResponseClientRefresh()
        return response

    return wrapped
