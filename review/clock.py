"""The review clock: how many business days an offer has waited for a decision, against the
target in settings.REVIEW_TARGET_BUSINESS_DAYS.

A business day is Monday to Friday (no holidays), in the portal's time zone (TIME_ZONE). The
days an offer has waited are the business days from the day of its latest submission up to,
not including, today: submitted on Monday, it has waited 0 days on Monday and 1 on Tuesday;
submitted on Saturday, 0 until Tuesday. It is overdue once it has waited more than the target.

Time is always passed in (`now`), so that the arithmetic is tested without a clock.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cached_property

from django.conf import settings
from django.utils import timezone

from offers.queries import AWAITING_REVIEW

SATURDAY = 5
ONE_DAY = timedelta(days=1)


def is_business_day(day):
    return day.weekday() < SATURDAY


def business_days(start, end):
    """The business days from `start`'s day up to, not including, `end`'s day: 0 on the day
    itself, and 0 when `end` comes first (a clock that drifted)."""
    first, last = _day(start), _day(end)
    weeks, rest = divmod(max((last - first).days, 0), 7)
    # Every whole week holds five business days; only the days left over need looking at.
    return weeks * 5 + sum(is_business_day(first + ONE_DAY * offset) for offset in range(rest))


def overdue_before(now, target):
    """The moment before which a submission has waited more than `target` business days at
    `now`: the start of the day after the (target + 1)th business day before today. An offer
    is overdue exactly when it was submitted before it, which the database can filter on."""
    day, counted = _day(now), 0
    while counted <= target:
        day -= ONE_DAY
        counted += is_business_day(day)
    return datetime.combine(day + ONE_DAY, time.min, tzinfo=timezone.get_default_timezone())


def _day(moment):
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


@dataclass(frozen=True)
class Wait:
    days: int
    overdue: bool


class ReviewClock:
    """The clock for one request (or one run of the reminders): one `now` and one target for
    every offer it is asked about."""

    def __init__(self, now=None, target=None):
        self.now = now or timezone.now()
        self.target = settings.REVIEW_TARGET_BUSINESS_DAYS if target is None else target

    @cached_property
    def overdue_before(self):
        return overdue_before(self.now, self.target)

    @property
    def today(self):
        return _day(self.now)

    def wait(self, offer):
        """How long the offer has waited for a reviewer, or None when it waits for nobody:
        decided, withdrawn, or back with the publisher for changes."""
        if offer.status not in AWAITING_REVIEW or offer.submitted_at is None:
            return None
        days = business_days(offer.submitted_at, self.now)
        return Wait(days=days, overdue=days > self.target)
