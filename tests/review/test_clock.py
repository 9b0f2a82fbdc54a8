"""The review clock: business days waited, the moment before which a submission is overdue,
and the setting for the target. Every moment is passed in; no test reads the real clock."""

import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone

import pytest

from offers.models import Offer, OfferStatus
from review.clock import ReviewClock, Wait, business_days, overdue_before
from tests.config.subprocesses import PROJECT_ROOT, bare_environment


def at(day, hour=9, minute=0):
    """A moment in May 2024, in UTC (the portal's time zone). 6 May 2024 is a Monday."""
    return datetime(2024, 5, day, hour, minute, tzinfo=UTC)


MONDAY, TUESDAY, WEDNESDAY, THURSDAY = at(6), at(7), at(8), at(9)
FRIDAY, SATURDAY, SUNDAY = at(10), at(11), at(12)
NEXT_MONDAY = at(13)


# --- business days waited ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (MONDAY, at(6, 17), 0),
        (MONDAY, TUESDAY, 1),
        (at(6, 23, 59), at(7, 0, 0), 1),
        (MONDAY, FRIDAY, 4),
        (MONDAY, NEXT_MONDAY, 5),
        (FRIDAY, NEXT_MONDAY, 1),
        (at(10, 23, 30), SATURDAY, 1),
        (SATURDAY, NEXT_MONDAY, 0),
        (SUNDAY, NEXT_MONDAY, 0),
        (SATURDAY, at(14), 1),
        (WEDNESDAY, at(24), 12),
        (MONDAY, at(27), 15),
        (MONDAY + timedelta(weeks=52), MONDAY + timedelta(weeks=104), 260),
    ],
)
def test_business_days_are_weekdays_from_the_day_of_submission_up_to_today(start, end, days):
    assert business_days(start, end) == days


def test_a_submission_after_now_has_waited_no_days():
    assert business_days(FRIDAY, MONDAY) == 0


def test_days_are_counted_in_the_portal_s_time_zone():
    # 01:00 on Tuesday in Taipei is still Monday 17:00 in UTC.
    taipei = timezone(timedelta(hours=8))
    submitted = datetime(2024, 5, 7, 1, 0, tzinfo=taipei)

    assert business_days(submitted, at(7, 9)) == 1


# --- overdue -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "target", "cut_off"),
    [
        # Six business days back from Monday 13 May: Friday 3 May; a submission that day or
        # earlier has waited six, one more than five.
        (NEXT_MONDAY, 5, at(4, 0)),
        (at(14, 16), 5, at(7, 0)),
        (WEDNESDAY, 0, at(8, 0)),
        (NEXT_MONDAY, 0, at(11, 0)),
        (SATURDAY, 5, at(4, 0)),
        (SUNDAY, 1, at(10, 0)),
        (NEXT_MONDAY, 10, datetime(2024, 4, 27, tzinfo=UTC)),
    ],
)
def test_overdue_before_is_the_start_of_the_day_after_the_last_late_business_day(
    now, target, cut_off
):
    assert overdue_before(now, target) == cut_off


@pytest.mark.parametrize("target", [0, 1, 2, 5, 7])
def test_overdue_before_agrees_with_the_days_waited_at_every_hour(target):
    """The queue filters on overdue_before in the database and the rows count days in Python:
    for every submission hour over five weeks, and every `now` over two, they agree."""
    submissions = [at(1, 0) + timedelta(hours=hours) for hours in range(0, 35 * 24, 5)]
    for now in [at(20, 0) + timedelta(hours=hours) for hours in range(0, 14 * 24, 7)]:
        cut_off = overdue_before(now, target)
        disagree = [
            submitted
            for submitted in submissions
            if (business_days(submitted, now) > target) != (submitted < cut_off)
        ]
        assert disagree == [], now


# --- an offer on the clock -----------------------------------------------------------------


def offer(status, submitted_at=MONDAY):
    return Offer(status=status, submitted_at=submitted_at)


@pytest.mark.parametrize(
    "status", [OfferStatus.SUBMITTED, OfferStatus.VALIDATING, OfferStatus.IN_REVIEW]
)
def test_an_offer_waiting_for_a_reviewer_more_than_the_target_is_overdue(status):
    clock = ReviewClock(now=at(14, 10), target=5)

    assert clock.wait(offer(status)) == Wait(days=6, overdue=True)


def test_an_offer_that_waited_exactly_the_target_is_not_overdue_yet():
    clock = ReviewClock(now=NEXT_MONDAY, target=5)

    assert clock.wait(offer(OfferStatus.IN_REVIEW)) == Wait(days=5, overdue=False)


@pytest.mark.parametrize(
    "status",
    [
        OfferStatus.CHANGES_NEEDED,
        OfferStatus.CHANGES_REQUESTED,
        OfferStatus.APPROVED,
        OfferStatus.REJECTED,
        OfferStatus.WITHDRAWN,
    ],
)
def test_an_offer_waiting_for_the_publisher_or_decided_is_off_the_clock(status):
    assert ReviewClock(now=at(31), target=5).wait(offer(status)) is None


def test_the_target_comes_from_the_setting(settings):
    settings.REVIEW_TARGET_BUSINESS_DAYS = 2

    clock = ReviewClock(now=THURSDAY)

    assert (clock.target, clock.wait(offer(OfferStatus.IN_REVIEW))) == (2, Wait(3, overdue=True))


# --- the setting ---------------------------------------------------------------------------

PRINT_TARGET = """
import django
django.setup()
print(django.conf.settings.REVIEW_TARGET_BUSINESS_DAYS)
"""


def read_target(tmp_path, **env):
    return subprocess.run(
        [sys.executable, "-c", PRINT_TARGET],
        cwd=PROJECT_ROOT,
        env=bare_environment(DEBUG="1", VAR_DIR=str(tmp_path), **env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_target_is_five_business_days_unless_the_environment_says_otherwise(tmp_path):
    assert read_target(tmp_path).stdout == "5\n"
    assert read_target(tmp_path, REVIEW_TARGET_BUSINESS_DAYS="3").stdout == "3\n"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("five", "REVIEW_TARGET_BUSINESS_DAYS='five' is not a whole number."),
        ("-1", "REVIEW_TARGET_BUSINESS_DAYS=-1: use 0 or more business days."),
    ],
)
def test_a_malformed_target_stops_the_start(tmp_path, raw, message):
    result = read_target(tmp_path, REVIEW_TARGET_BUSINESS_DAYS=raw)

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"django.core.exceptions.ImproperlyConfigured: {message}"
    )
