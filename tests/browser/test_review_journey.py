"""The whole journey in real browsers, with a real Celery worker: a publisher signs up and
submits, and their status page, left open, shows the worker's checks finishing; one reviewer
assigns the offer to another, who finds it under "assigned to me", marks one requirement as not
met and asks for changes, which the publisher's page shows arriving without a reload; the
publisher fixes it and resubmits, the reviewer sees the old and new description side by side
and approves, and the publisher sees "Approved" and has the e-mails.

The worker is a child process (tests/worker_process.py) on the same PostgreSQL test database,
Redis broker and media folder as the live server; it writes its e-mails as files, which the test
reads. Without PostgreSQL and Redis this test is skipped, unless REQUIRE_SERVICES=1 (as in CI).
"""

import email
import os
import re
import time
from email import policy

import pytest
import redis
from django.db import connection
from playwright.sync_api import expect

from accounts.models import Role
from offers.models import Offer, OfferStatus
from tests.browser.test_publisher_journey import (
    LICENSING,
    OWN_BILLING,
    fill_technical,
    log_in,
    logo_input,
    png_file,
    save_and_continue,
)
from tests.factories import PASSWORD, UserFactory
from tests.signing_in import mailed_code
from tests.worker_process import celery_worker

pytestmark = [pytest.mark.browser, pytest.mark.integration]

PUBLISHER = "dana@northwind.example"
PUBLISHER_PASSWORD = "Tall-lighthouse-route-42"
REVIEWER = "rita@offerdesk.example"
SECOND_REVIEWER = "sam@offerdesk.example"
DESCRIPTION = "<p>Plans <b>routes</b> for field engineers.</p>"
NEW_DESCRIPTION = "<p>Plans <b>routes</b> and shifts for field engineers.</p>"
APP = "Northwind Route Planner"
UPTIME = "An uptime of at least 99.9%"
ASKED = "Your service level agreement promises 99.99%; commit to that here."
INTERNAL_NOTE = "Checked their SLA page: it says 99.99%."
# A round of checks takes a second or two; waiting longer than this means something is wrong.
DEADLINE_SECONDS = 30
# The filebased mail backend ends every message with this line.
MESSAGE_END = b"\n" + b"-" * 79 + b"\n"


@pytest.fixture
def shared_services(settings):
    """PostgreSQL (the worker shares the test database) and Redis (the broker), or a skip."""
    missing = _missing_services(settings)
    if missing:
        reason = "; ".join(missing)
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
        pytest.skip(f"The journey needs PostgreSQL and Redis for its worker: {reason}")


def _missing_services(settings):
    missing = []
    if connection.vendor != "postgresql":
        missing.append("DATABASE_URL does not name PostgreSQL (the worker shares its database)")
    if not settings.REDIS_URL:
        missing.append("REDIS_URL is not set (the worker's broker)")
    else:
        try:
            with redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1) as client:
                client.ping()
        except redis.RedisError as error:
            missing.append(f"Redis at REDIS_URL does not answer ({error})")
    return missing


@pytest.fixture
def mail_folder(tmp_path):
    return tmp_path / "mail"


@pytest.fixture
def worker(shared_services, transactional_db, live_server, publisher_site, settings, mail_folder):
    """A real worker on every queue, allowed to reach the publisher's site, writing its e-mails
    to `mail_folder`. The live server (a thread of this process) sends its tasks to Redis."""
    # Celery reads the Django setting on every call; the test's Redis database starts empty,
    # so no message left by an interrupted run is delivered to this one.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with redis.Redis.from_url(settings.REDIS_URL) as client:
        client.flushdb()
    port = publisher_site.rsplit(":", 1)[1]
    with celery_worker(
        URLCHECK_ALLOW_PRIVATE_NETWORKS=1,
        URLCHECK_ALLOWED_PORTS=f"80,443,{port}",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=mail_folder,
    ) as process:
        yield process
        print(f"Log of worker {process.pid}:\n{process.log()}")  # shown if the test failed


def test_two_reviewers_share_the_offer_and_the_publisher_watches_it_live(
    worker, page, new_page, screenshot, publisher_site, mail_folder, tmp_path, mailoutbox
):
    publisher = page
    UserFactory(email=REVIEWER, role=Role.REVIEWER)
    second_reviewer_account = UserFactory(email=SECOND_REVIEWER, role=Role.REVIEWER)

    # 1. The publisher signs up, fills the whole wizard and submits.
    sign_up(publisher, mailoutbox)
    fill_the_wizard(publisher, site=publisher_site, tmp_path=tmp_path)
    screenshot("publisher-review-step")
    publisher.get_by_role("button", name="Submit offer", exact=True).click()
    offer = Offer.objects.get(created_by__email=PUBLISHER)
    expect(publisher).to_have_url(re.compile(rf"/offers/{offer.pk}/$"))
    expect(publisher.locator(".message")).to_have_text("Your offer was submitted.")
    # A mark that a reload would wipe out: the page is left open from here on.
    publisher.evaluate("window.stillTheSamePage = true")

    # 2. The worker checks everything; the open status page shows it, and ends "In review".
    expect(publisher.locator(".checks tbody .badge")).to_have_text(
        ["Passed"] * 7, timeout=DEADLINE_SECONDS * 1000
    )
    expect(status_badge(publisher)).to_have_text("In review")
    expect(publisher.locator("#live-sentence")).to_contain_text("7 of 7 checks finished.")
    screenshot("publisher-in-review")

    # 3. A reviewer finds it in the queue and gives it to a colleague.
    reviewer = new_page()
    log_in(reviewer, REVIEWER, PASSWORD)
    nav(reviewer).get_by_role("link", name="Review queue", exact=True).click()
    expect(reviewer.get_by_role("heading", level=1)).to_have_text("Review queue")
    [row] = queue_rows(reviewer)
    assert row.pop("Selected") == f"Select {APP}"  # for the bulk actions
    assert row.pop("Submitted") != ""
    assert re.fullmatch(r"\d+ business days?", row.pop("Waited"))
    assert row == {
        "App name": APP,
        "Publisher": f"Northwind Apps {PUBLISHER}",
        "State": "In review",
        "Checks": "All passed",
        "Revision": "1",
        "Reviewer": "Unassigned",
    }
    screenshot("reviewer-queue", reviewer)
    reviewer.get_by_role("link", name=APP, exact=True).click()
    expect(reviewer).to_have_url(re.compile(rf"/review/offers/{offer.pk}/$"))
    expect(reviewer.get_by_text("Nobody has taken this offer on yet.")).to_be_visible()
    expect(reviewer.get_by_role("region", name=re.compile("What changed"))).to_have_count(0)
    reviewer.get_by_label("Assign to", exact=True).select_option(label=SECOND_REVIEWER)
    reviewer.get_by_role("button", name="Assign", exact=True).click()
    expect(reviewer.locator(".message")).to_have_text(
        f"This offer is now assigned to {SECOND_REVIEWER}."
    )

    # 4. The colleague finds it under "assigned to me", marks one requirement as not met
    # beside the requirement itself, and asks for changes.
    second = new_page()
    log_in(second, SECOND_REVIEWER, PASSWORD)
    nav(second).get_by_role("link", name="Review queue", exact=True).click()
    second.get_by_label("Reviewer", exact=True).select_option(label="Assigned to me")
    second.get_by_role("button", name="Show", exact=True).click()
    [row] = queue_rows(second)
    assert (row["App name"], row["Reviewer"]) == (APP, SECOND_REVIEWER)
    second.get_by_role("link", name=APP, exact=True).click()
    expect(second.get_by_text("Assigned to you.", exact=True)).to_be_visible()
    uptime = second.locator("#requirement-uptime")
    expect(uptime.get_by_label("Meets", exact=True)).to_be_checked()
    uptime.get_by_label("Does not meet", exact=True).check()
    uptime.get_by_label(f"Comment for the publisher on “{UPTIME}”", exact=True).fill(ASKED)
    decision(second).get_by_label("Request changes", exact=True).check()
    decision(second).get_by_label("Internal note (optional)", exact=True).fill(INTERNAL_NOTE)
    screenshot("reviewer-requests-changes", second)
    second.get_by_role("button", name="Record the decision", exact=True).click()
    expect(second.locator(".message")).to_have_text(
        "You asked for changes. The publisher is being told, with your reasons."
    )
    expect(status_badge(second)).to_have_text("Changes requested")

    # 5. The publisher's page, still open, shows the decision arriving, and offers a reload.
    expect(status_badge(publisher)).to_have_text("Changes requested")
    reload_link = publisher.get_by_role("link", name="Reload the page to see what you can do now.")
    expect(reload_link).to_be_visible()
    assert publisher.evaluate("window.stillTheSamePage") is True
    screenshot("publisher-sees-the-decision-arrive")
    reload_link.click()

    # 6. The publisher reads the reason where it applies, fixes it and resubmits.
    expect(status_badge(publisher)).to_have_text("Changes requested")
    nav(publisher).get_by_role("link", name="My offers", exact=True).click()
    expect(publisher.locator("tbody .badge")).to_have_text(["Changes requested"])
    expect(publisher.locator(".news-list .badge")).to_have_text(
        ["Changes requested", "Submission received"]
    )
    publisher.get_by_role("table").get_by_role("link", name=APP, exact=True).click()
    expect(status_badge(publisher)).to_have_text("Changes requested")
    asked = publisher.get_by_role("region", name="What the reviewer asked for")
    expect(asked.get_by_role("listitem")).to_have_text([f"{UPTIME}: {ASKED} Fix it ({UPTIME})"])
    expect(publisher.get_by_text(INTERNAL_NOTE)).to_have_count(0)
    screenshot("publisher-changes-requested")
    asked.get_by_role("link", name=f"Fix it ({UPTIME})", exact=True).click()

    expect(publisher).to_have_url(re.compile(rf"/offers/{offer.pk}/edit/technical/$"))
    on_this_step = publisher.get_by_role("status").filter(
        has_text="The reviewer asked for changes on this step"
    )
    expect(on_this_step.get_by_role("listitem")).to_have_text([f"{UPTIME}: {ASKED}"])
    uptime = publisher.get_by_label("Uptime commitment", exact=True)
    expect(uptime).to_have_value("99.95")
    uptime.fill("99.99")
    screenshot("publisher-fixes-uptime")
    save_and_continue(publisher)  # technical
    expect(publisher).to_have_url(re.compile(rf"/offers/{offer.pk}/edit/business/$"))
    save_and_continue(publisher)
    expect(publisher).to_have_url(re.compile(rf"/offers/{offer.pk}/edit/marketing/$"))
    publisher.get_by_label("Description", exact=True).fill(NEW_DESCRIPTION)
    save_and_continue(publisher)  # the stored logos stay
    expect(publisher).to_have_url(re.compile(rf"/offers/{offer.pk}/edit/review/$"))
    publisher.get_by_role("button", name="Submit offer", exact=True).click()
    expect(publisher.locator(".message")).to_have_text("Your offer was submitted.")
    reload_until_status(publisher, "In review", worker)
    expect(publisher.get_by_role("region", name="What the reviewer asked for")).to_have_count(0)

    # 7. The reviewer sees what changed since revision 1, the old and new description side by
    # side, word by word and never as live markup, and approves.
    second.reload()
    expect(status_badge(second)).to_have_text("In review")
    changes = second.get_by_role("region", name="What changed since revision 1")
    [uptime_change, description_change] = changes.locator(".diff tbody").all()
    assert " ".join(uptime_change.inner_text().split()) == "Uptime commitment 99.95% 99.99%"
    expect(uptime_change.locator("del")).to_have_text("99.95%")
    expect(uptime_change.locator("ins")).to_have_text("99.99%")
    old, new = description_change.locator("td").all()
    assert " ".join(old.inner_text().split()) == "Plans routes for field engineers."
    assert " ".join(new.inner_text().split()) == "Plans routes and shifts for field engineers."
    assert " ".join(" ".join(new.locator("ins").all_inner_texts()).split()) == "and shifts"
    expect(description_change.locator("b")).to_have_count(0)
    screenshot("reviewer-sees-changes", second)
    decision(second).get_by_label("Approve", exact=True).check()
    second.get_by_role("button", name="Record the decision", exact=True).click()
    expect(second.locator(".message")).to_have_text(
        "You approved this offer. The publisher is being told."
    )
    expect(status_badge(second)).to_have_text("Approved")
    screenshot("reviewer-approved", second)

    # 8. The publisher sees "Approved", and has every e-mail of the journey.
    publisher.reload()
    expect(status_badge(publisher)).to_have_text("Approved")
    expect(publisher.get_by_text("A reviewer approved your offer.", exact=True)).to_be_visible()
    screenshot("publisher-approved")
    messages = wait_for_emails(mail_folder, 4, worker)
    # A subject folded right after "Subject:" keeps a space when Python's parser unfolds it.
    assert [(m["To"], m["Subject"].strip()) for m in messages] == [
        (PUBLISHER, f"We received “{APP}” (revision 1)"),
        (PUBLISHER, f"Changes requested for “{APP}”"),
        (PUBLISHER, f"We received “{APP}” (revision 2)"),
        (PUBLISHER, f"“{APP}” is approved"),
    ]
    assert [m["Content-Language"] for m in messages] == ["en"] * 4
    changes_requested, approved = text_of(messages[1]), text_of(messages[3])
    assert f"- {UPTIME}: {ASKED}\n" in changes_requested
    assert INTERNAL_NOTE not in changes_requested
    assert f"Good news: a reviewer approved your offer “{APP}”, revision 2." in approved
    offer.refresh_from_db()
    assert (offer.status, offer.revision, str(offer.uptime_percent)) == (
        OfferStatus.APPROVED,
        2,
        "99.990",
    )
    assert offer.assigned_to == second_reviewer_account


def sign_up(page, mailoutbox):
    page.goto("/accounts/signup/")
    page.get_by_label("Email", exact=True).fill(PUBLISHER)
    page.get_by_label("Password", exact=True).fill(PUBLISHER_PASSWORD)
    page.get_by_label("Password (again)", exact=True).fill(PUBLISHER_PASSWORD)
    page.get_by_role("button", name="Sign Up", exact=True).click()
    page.get_by_label("Code", exact=True).fill(mailed_code(mailoutbox[-1]))
    page.get_by_role("button", name="Confirm", exact=True).click()
    expect(page).to_have_url(re.compile(r"/offers/$"))


def fill_the_wizard(page, *, site, tmp_path):
    """Every step with valid answers, the pages on `site`; ends on the review step."""
    nav(page).get_by_role("link", name="New offer", exact=True).click()
    page.get_by_label("Company name", exact=True).fill("Northwind Apps")
    page.get_by_role("group", name="Registration").get_by_label(
        "Microsoft Partner Network member", exact=True
    ).check()
    page.get_by_label("MPN ID", exact=True).fill("4512345")
    save_and_continue(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Technical requirements")
    fill_technical(page, uptime="99.95", site=site)
    save_and_continue(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Business requirements")
    page.get_by_label(OWN_BILLING, exact=True).check()
    page.get_by_role("group", name="Technical support").get_by_label("Paid", exact=True).check()
    page.get_by_label(LICENSING, exact=True).check()
    save_and_continue(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Marketing assets")
    page.get_by_label("Official app name", exact=True).fill(APP)
    page.get_by_label("Description", exact=True).fill(DESCRIPTION)
    for slot in ("40x40", "90x90", "115x115", "255x115"):
        width, height = (int(side) for side in slot.split("x"))
        logo_input(page, slot).set_input_files(png_file(tmp_path, width, height))
    page.get_by_label("Terms of use URL", exact=True).fill(f"{site}/terms")
    page.get_by_label("Privacy policy URL", exact=True).fill(f"{site}/privacy")
    save_and_continue(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Review and submit")


def nav(page):
    return page.get_by_role("navigation", name="Main")


def status_badge(page):
    return page.locator(".page-head .badge")


def decision(page):
    return page.get_by_role("region", name="Decision")


def queue_rows(page):
    """The queue's rows, each as {column: its text with whitespace collapsed}."""
    page.wait_for_load_state("domcontentloaded")
    # A sortable heading's name is its link's first text; the arrow and the hint for screen
    # readers follow it.
    columns = page.locator(".queue-table thead th").evaluate_all(
        "ths => ths.map(th => (th.querySelector('a')?.firstChild ?? th).textContent.trim())"
    )
    return [
        {
            column: " ".join(cell.split())
            for column, cell in zip(columns, row.locator("th, td").all_inner_texts(), strict=True)
        }
        for row in page.locator(".queue-table tbody tr").all()
    ]


def reload_until_status(page, status, worker):
    """Reload the offer's page until its badge says `status`: the worker works meanwhile."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while status_badge(page).inner_text() != status:
        if time.monotonic() > deadline:
            pytest.fail(
                f"The offer was still {status_badge(page).inner_text()!r}, not {status!r}, after "
                f"{DEADLINE_SECONDS} s. Worker log:\n{worker.log()}"
            )
        page.wait_for_timeout(200)
        page.reload()


def wait_for_emails(folder, count, worker):
    """The e-mails the worker wrote to `folder`, oldest first, once there are `count`."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while len(messages := read_emails(folder)) < count:
        if time.monotonic() > deadline:
            pytest.fail(
                f"{len(messages)} e-mails, not {count}, after {DEADLINE_SECONDS} s. "
                f"Worker log:\n{worker.log()}"
            )
        time.sleep(0.2)
    return messages


def read_emails(folder):
    """Each file holds the messages of one connection, each ending with a line of dashes; a
    message still being written has no such line yet, and is left for the next look."""
    if not folder.exists():
        return []
    messages = []
    for path in sorted(folder.iterdir(), key=lambda path: (path.stat().st_mtime_ns, path.name)):
        for raw in path.read_bytes().split(MESSAGE_END)[:-1]:
            messages.append(email.message_from_bytes(raw, policy=policy.default))
    return messages


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()
