"""The reviewers' queue: every submitted offer by state, filtered, searched, sorted and paged."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from offers.queries import CheckOutcome, review_queue, review_queue_counts
from offers.workflow import UNDECIDED_STATUSES
from review.bulk import BulkActionForm
from review.clock import ReviewClock
from review.forms_dashboard import (
    SORT_CHOICES,
    SORTABLE_COLUMNS,
    STATE_CHOICES,
    STATE_FILTERS,
    QueueFilterForm,
)
from review.permissions import reviewer_required

PER_PAGE = 25


class CountedPaginator(Paginator):
    """A paginator told how many rows there are: the counts per state already say, so the
    page does not count them a second time."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self._count = count

    @property
    def count(self):
        return self._count


@dataclass(frozen=True)
class QueueRow:
    """One row of the queue, its words and links worked out here: the template only places
    them. A row of tags and filters cost about 0.3 ms, so that a page of 25 rows took half as
    long again as a page of a few, whatever the size of the queue (bench/dashboard.py)."""

    offer: object
    url: str
    select_label: str
    outcome: CheckOutcome
    submitted_iso: str
    submitted: str
    waited: str  # "" for an offer nobody is late with
    overdue: bool

    @classmethod
    def of(cls, offer, clock):
        wait = clock.wait(offer)
        submitted = offer.submitted_at and timezone.localtime(offer.submitted_at)
        return cls(
            offer=offer,
            url=reverse("review:offer", args=[offer.pk]),
            select_label=_("Select %(name)s") % {"name": offer.app_name},
            outcome=CheckOutcome(offer.check_outcome),
            submitted_iso=submitted.isoformat() if submitted else "",
            submitted=formats.date_format(submitted, "SHORT_DATETIME_FORMAT") if submitted else "",
            waited=ngettext("%(days)s business day", "%(days)s business days", wait.days)
            % {"days": wait.days}
            if wait
            else "",
            overdue=bool(wait and wait.overdue),
        )


@reviewer_required
def dashboard(request):
    clock = ReviewClock()
    form, filters, narrowed = read_filters(request, clock)
    # The open states, always, and the state shown. Decided offers pile up for ever: counting
    # them on every page would be the one cost that grows with the queue, for numbers nobody
    # acts on, so their links say how many only when chosen.
    counted = {*UNDECIDED_STATUSES, *STATE_FILTERS[filters["state"]]}
    counts = review_queue_counts(statuses=counted, **narrowed)
    states = [(value, label, _offers_in(counts, value)) for value, label in STATE_CHOICES]
    queue = review_queue(statuses=STATE_FILTERS[filters["state"]], sort=filters["sort"], **narrowed)
    total = _offers_in(counts, filters["state"])
    page = CountedPaginator(queue, PER_PAGE, count=total).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "filters": filters,
        "states": states,
        "state_label": dict(STATE_CHOICES)[filters["state"]],
        "sort_label": dict(SORT_CHOICES)[filters["sort"]],
        "page": page,
        "rows": [QueueRow.of(offer, clock) for offer in page],
        "columns": _sorting(filters["sort"]),
        "clock": clock,
    }
    # Bulk actions on the rows ticked (review/bulk.py): the form under the table, which
    # brings the reviewer back to the queue as filtered now.
    context["bulk_form"] = BulkActionForm(
        initial={"reviewer": request.user.pk, "back": request.GET.urlencode()}
    )
    return render(request, "review/dashboard.html", context)


def read_filters(request, clock):
    """The queue's filters from the query string, for the page and its export alike: the form,
    {name: value}, and the arguments of offers.queries.review_queue besides state and sort."""
    form = QueueFilterForm(request.GET, target=clock.target)
    filters = form.filters()
    narrowed = {
        "outcome": filters["outcome"],
        "search": filters["q"],
        "assigned": filters["assigned"],
        "user": request.user,
        # A moment worked out once, so that the lateness stays a plain filter in the query.
        "overdue_before": clock.overdue_before if filters["overdue"] else None,
    }
    return form, filters, narrowed


def _sorting(current):
    """For each sortable column: the sort its heading links to (the other direction when it
    is the current one), and its aria-sort ("ascending", "descending", or None: unsorted)."""
    columns = {}
    for column, (ascending, descending) in SORTABLE_COLUMNS.items():
        if current == ascending:
            columns[column] = {"sort": descending, "aria_sort": "ascending", "ascending": True}
        elif current == descending:
            columns[column] = {"sort": ascending, "aria_sort": "descending", "ascending": False}
        else:
            columns[column] = {"sort": ascending, "aria_sort": None}
    return columns


def _offers_in(counts, state):
    """How many offers a choice of the state filter shows, from the counts per state; None
    when its states were not counted."""
    if any(status not in counts for status in STATE_FILTERS[state]):
        return None
    return sum(counts[status] for status in STATE_FILTERS[state])
