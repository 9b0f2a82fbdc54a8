"""The reviewers' queue as CSV: every offer the queue shows under its current filters (all of
its pages), one row each, streamed as the rows are read so that a long queue never sits in
memory whole."""

import csv

from django.http import StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from offers.checklist import REQUIREMENTS_BY_KEY
from offers.models import OfferStatus
from offers.queries import CheckOutcome, review_queue, with_decisions
from review.clock import ReviewClock
from review.dashboard import read_filters
from review.forms_dashboard import STATE_FILTERS
from review.permissions import reviewer_required

# Offers read from the database at a time; each batch costs its decisions two more queries.
CHUNK_SIZE = 500
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): an
# app name or a reviewer's comment is the publisher's or reviewer's text, never a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Echo:
    """A file that hands back what is written to it, so that csv.writer makes lines to stream."""

    def write(self, value):
        return value


@reviewer_required
@require_safe
def export_queue(request):
    clock = ReviewClock()
    _form, filters, narrowed = read_filters(request, clock)
    queue = review_queue(statuses=STATE_FILTERS[filters["state"]], sort=filters["sort"], **narrowed)
    # The body is made after the view returns: it keeps the page's language itself.
    lines = _lines(with_decisions(queue), clock, translation.get_language())
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    filename = f"review-queue-{clock.today.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _lines(queue, clock, language):
    writer = csv.writer(Echo())
    with translation.override(language):
        # A byte order mark: without it, Excel reads UTF-8 as the system's code page.
        yield "\ufeff" + writer.writerow(header())
        for offer in queue.iterator(chunk_size=CHUNK_SIZE):
            yield writer.writerow([safe_cell(cell) for cell in row(offer, clock)])


def header():
    return [
        _("App name"),
        _("Organisation"),
        _("Started by"),
        _("State"),
        _("Reviewer"),
        _("Submitted"),
        _("Business days waited"),
        _("Checks"),
        _("Last decision"),
        _("Reasons"),
    ]


def row(offer, clock):
    """One offer's cells, as the header names them; empty where there is nothing to say."""
    wait = clock.wait(offer)
    decision = offer.decisions[0] if offer.decisions else None
    return [
        str(offer),
        offer.organisation.company_name,
        offer.started_by,
        offer.get_status_display(),
        offer.assigned_to.email if offer.assigned_to_id else "",
        offer.submitted_at.isoformat() if offer.submitted_at else "",
        wait.days if wait else "",
        CheckOutcome(offer.check_outcome).label,
        OfferStatus(decision.to_status).label if decision else "",
        reasons(decision) if decision else "",
    ]


def reasons(decision):
    """ "requirement: comment; ..." in the order the reviewer gave them."""
    return "; ".join(
        f"{_requirement_label(reason.requirement)}: {reason.comment}"
        for reason in decision.reasons.all()
    )


def _requirement_label(key):
    requirement = REQUIREMENTS_BY_KEY.get(key)
    # A key the checklist no longer has is shown as it was stored, as on the review page.
    return str(requirement.label) if requirement else key


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
