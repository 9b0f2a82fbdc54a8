"""What the accessibility, reflow and language tests share: signing in without the login form,
one offer in each state the pages show, and axe-core."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from offers import services, workflow
from offers.models import Check, CheckStatus, OfferRevision, OfferStatus
from tests.factories import (
    OfferFactory,
    UserFactory,
    organisation_of,
    png_bytes,
    publisher,
    submitted_offer,
)
from webhooks import services as webhooks
from webhooks.models import Delivery, DeliveryStatus, Endpoint, EventType, StopReason

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
WIZARD_STEPS = ("publisher", "technical", "business", "marketing", "review")
# Every field shown with an error: marked invalid, and described by its error (on the control,
# or on the fieldset of a group); every link of the error summary leads to a control.
ERRORS_NOT_TIED = """() => {
  const problems = [];
  for (const list of document.querySelectorAll('.field .errorlist')) {
    const controls = list.closest('.field').querySelectorAll(
      'input:not([type=hidden]), select, textarea');
    if (!controls.length) problems.push(`${list.id}: no control beside it`);
    for (const control of controls) {
      if (control.getAttribute('aria-invalid') !== 'true') {
        problems.push(`${control.id}: no aria-invalid="true"`);
      }
      const describedBy = [control, control.closest('fieldset')]
        .map(el => (el && el.getAttribute('aria-describedby')) || '').join(' ').split(/\\s+/);
      if (!list.id || !describedBy.includes(list.id)) {
        problems.push(`${control.id}: not described by its error ${list.id || '(no id)'}`);
      }
    }
  }
  for (const link of document.querySelectorAll('#error-summary a')) {
    const target = document.getElementById(link.hash.slice(1));
    if (!target || !target.matches('input, select, textarea')) {
      problems.push(`summary link ${link.hash} leads to ${target ? target.tagName : 'nothing'}`);
    }
  }
  return problems;
}"""
UPTIME_REASON = ("uptime", "Your SLA page says 99.5%; the marketplace asks for at least 99.9%.")


def sign_in(page, user, base_url):
    """A session made by Django's test client, handed to the browser: the login form has
    tests of its own, and its lockout must not count these sign-ins."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}]
    )


@dataclass
class Seeded:
    publisher: object
    reviewer: object
    draft: object
    incomplete: object
    in_review: object
    changes_requested: object
    changes_needed: object
    resubmitted: object


def seed_every_state():
    """A publisher with an offer in each state the status page shows, news on "My offers",
    and a resubmitted offer with history, checks and changes for the reviewer's page."""
    alice = publisher("alice@example.com", company_name="Alice Apps")
    reviewer = UserFactory(email="carol@example.com", role=Role.REVIEWER)
    changes_requested = submitted_offer(alice, app_name="Contoso Changes Requested")
    services.assign(changes_requested, reviewer=reviewer)
    services.decide(
        changes_requested,
        OfferStatus.CHANGES_REQUESTED,
        reviewer=reviewer,
        reasons=[UPTIME_REASON],
        internal_note="Second opinion from the SLA team.",
    )
    return Seeded(
        publisher=alice,
        reviewer=reviewer,
        draft=OfferFactory(owner=alice, app_name="Contoso Draft"),
        incomplete=OfferFactory(
            owner=alice, app_name="Contoso Incomplete", uptime_percent=None, with_logos=False
        ),
        in_review=submitted_offer(alice, app_name="Contoso In Review"),
        changes_requested=changes_requested,
        changes_needed=_changes_needed(alice),
        resubmitted=_resubmitted(alice, reviewer),
    )


def _changes_needed(publisher):
    offer = submitted_offer(
        publisher,
        app_name="Contoso Checks Failed",
        status=OfferStatus.CHANGES_NEEDED,
        check_status=CheckStatus.PASSED,
    )
    Check.objects.filter(offer=offer, subject="40x40").update(
        status=CheckStatus.FAILED,
        message="This logo is 41 × 40 pixels; the 40 × 40 slot needs exactly 40 × 40.",
        details={"format": "PNG", "width": 41, "height": 40, "mode": "RGBA", "bytes": 312},
    )
    return offer


def _resubmitted(publisher, reviewer):
    """Revision 2 in review after changes were requested on revision 1: every part of the
    reviewer's page (what changed, checks with details, history with reasons) has content."""
    offer = submitted_offer(publisher, app_name="Contoso Resubmitted")
    services.assign(offer, reviewer=reviewer)
    services.decide(
        offer, OfferStatus.CHANGES_REQUESTED, reviewer=reviewer, reasons=[UPTIME_REASON]
    )
    offer.uptime_percent = Decimal("99.99")
    offer.description_html = "<p>Schedules <strong>field</strong> crews by the hour.</p>"
    offer.business_process = "Dispatchers plan the week.\nCrews report back each evening."
    offer.save(update_fields=["uptime_percent", "description_html", "business_process"])
    # A new logo, so that "What changed" shows the old one beside it.
    services.store_logos(
        offer, {"90x90": SimpleUploadedFile("new.png", png_bytes(90, 90, (200, 10, 10, 255)))}
    )
    workflow.transition(offer, OfferStatus.SUBMITTED, actor=publisher)
    OfferRevision.objects.create(
        offer=offer, number=offer.revision, answers=services.snapshot_answers(offer)
    )
    for check in Check.objects.filter(offer=offer, revision=1):
        check.pk, check.revision = None, offer.revision
        check.details = {"status_code": 200, "final_url": check.subject, "elapsed_ms": 84}
        check.save()
    workflow.transition(offer, OfferStatus.IN_REVIEW, actor=None)
    return offer


def axe_violations(page):
    """axe-core's serious and critical WCAG 2.1 A and AA violations on the page as it is."""
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE}: `make test` installs it (npm ci).")
    # tests/browser/conftest.py loads axe into every page of the test's browser.
    result = page.evaluate("tags => axe.run(document, {runOnly: tags})", WCAG_21_AA)
    return [v for v in result["violations"] if v["impact"] in BLOCKING_IMPACTS]


def describe(violations):
    """One paragraph per violation: its rule, impact, help and every element it found."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  - {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            if node.get("failureSummary"):
                lines.append("    " + node["failureSummary"].replace("\n", "\n    "))
    return "\n".join(lines)


def assert_no_serious_violations(page, where):
    violations = axe_violations(page)
    if violations:
        pytest.fail(f"axe-core on {where} ({page.url}):\n{describe(violations)}", pytrace=False)


def assert_errors_are_announced(page):
    """The page opens on its error summary, an alert; each error is tied to its field."""
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    assert page.evaluate(ERRORS_NOT_TIED) == []


def seed_webhooks(seeded):
    """Two endpoints of the publisher's organisation: one working, with an attempt of every
    kind in its log; one stopped, its address refused. Returns (working, stopped)."""
    organisation, owner = organisation_of(seeded.publisher), seeded.publisher
    working, _secret = webhooks.register(
        organisation, "https://hooks.example.com/offer-desk", list(EventType), created_by=owner
    )
    stopped, _secret = webhooks.register(
        organisation, "https://10.0.0.7/hooks", [EventType.APPROVED], created_by=owner
    )
    now = timezone.now()
    Endpoint.objects.filter(pk=stopped.pk).update(
        disabled_at=now, blocked_reason=StopReason.BLOCKED
    )
    offer = {"id": seeded.in_review.pk, "app_name": seeded.in_review.app_name}
    payload = {"type": "offer.approved", "timestamp": now.isoformat(), "data": {"offer": offer}}
    sent = {"event_type": "offer.approved", "payload": payload, "due_at": now, "sent_at": now}
    failed, refused = DeliveryStatus.FAILED, "This address is not reachable from the internet."
    Delivery.objects.bulk_create(
        [
            Delivery(
                endpoint=working,
                message_id="msg_1",
                status=DeliveryStatus.DELIVERED,
                status_code=204,
                **sent,
            ),
            Delivery(
                endpoint=working,
                message_id="msg_2",
                status=failed,
                status_code=410,
                response_excerpt="<h1>Gone</h1>",
                **sent,
            ),
            Delivery(
                endpoint=working,
                message_id="msg_3",
                status=failed,
                status_code=503,
                response_excerpt="Down for maintenance",
                next_attempt_at=now + timedelta(seconds=5),
                **sent,
            ),
            Delivery(
                endpoint=working,
                message_id="msg_3",
                attempt=2,
                manual=True,
                status=DeliveryStatus.PENDING,
                event_type="offer.approved",
                payload=payload,
                due_at=now,
            ),
            Delivery(endpoint=stopped, message_id="msg_4", status=failed, error=refused, **sent),
        ]
    )
    return working, stopped
