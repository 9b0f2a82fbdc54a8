"""A reviewer's page for one offer: the checklist, checks, changes, history, and the decisions,
each view tried by the owner (alice), another publisher (bob), a reviewer and an admin."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from offers import live, services
from offers.models import (
    Check,
    CheckStatus,
    EventKind,
    Notification,
    NotificationKind,
    Offer,
    OfferEvent,
    OfferStatus,
    ReviewReason,
)
from tests.factories import MembershipFactory, UserFactory, png_bytes, submitted_offer
from tests.local_site import allow_checks_to_reach, serve
from tests.offers.test_live import HTMX, RELOAD, poll_url

pytestmark = pytest.mark.django_db

UPTIME = ("uptime", "Your SLA page says 99.5%; the marketplace asks for at least 99.9%.")
LOGOS = ("logos", "The 255 × 115 logo is blurry.")
REFUSED_APPROVAL = "An offer can be approved only when every check has passed."
NO_REASON = (
    "To request changes or to reject, mark at least one requirement “Does not meet”, with a "
    "comment."
)


def url(name, offer, **kwargs):
    return reverse(f"review:{name}", kwargs={"pk": offer.pk, **kwargs})


def decision_data(decision, reasons=(), internal_note="", **extra):
    """What the page's form posts: the decision, the note, and each requirement in `reasons`
    marked as not met with its comment (the others are left out: they meet)."""
    data = {"decision": decision, "internal_note": internal_note}
    for requirement, comment in reasons:
        data[f"verdict_{requirement}"] = "not_met"
        data[f"comment_{requirement}"] = comment
    return data | extra


def post_decision(client, offer, decision, **kwargs):
    return client.post(url("decide", offer), decision_data(decision, **kwargs))


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def status_of(offer):
    return Offer.objects.values_list("status", flat=True).get(pk=offer.pk)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture(params=["reviewer", "admin_user"])
def insider(request):
    """Each test that takes it runs once as a reviewer and once as an admin."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def insider_client(client, insider):
    client.force_login(insider)
    return client


# Who may open what ---------------------------------------------------------------------------

REVIEW_REQUESTS = [
    ("get", "offer", {}),
    ("get", "offer_live", {}),
    ("get", "logo", {"slot": "40x40"}),
    ("get", "revision_logo", {"number": 1, "slot": "40x40"}),
    ("post", "assign", {}),
    ("post", "decide", {}),
    ("post", "rerun_checks", {}),
]


@pytest.mark.parametrize("publisher", ["alice", "bob"])
@pytest.mark.parametrize(("method", "name", "kwargs"), REVIEW_REQUESTS)
def test_publishers_get_403_on_every_review_page_even_for_their_own_offer(
    client, request, in_review, publisher, method, name, kwargs
):
    client.force_login(request.getfixturevalue(publisher))

    data = decision_data(OfferStatus.APPROVED) if name == "decide" else {}
    response = getattr(client, method)(url(name, in_review, **kwargs), data)

    assert response.status_code == 403
    assert (status_of(in_review), OfferEvent.objects.count()) == (OfferStatus.IN_REVIEW, 0)


@pytest.mark.parametrize(("method", "name", "kwargs"), REVIEW_REQUESTS)
def test_an_anonymous_visitor_is_asked_to_log_in(client, in_review, method, name, kwargs):
    response = getattr(client, method)(url(name, in_review, **kwargs))

    assert (response.status_code, response["Location"].split("?")[0]) == (
        302,
        reverse("account_login"),
    )


@pytest.mark.parametrize(("method", "name", "kwargs"), REVIEW_REQUESTS)
def test_a_draft_is_not_found_by_reviewers_or_admins(insider_client, draft, method, name, kwargs):
    response = getattr(insider_client, method)(url(name, draft, **kwargs))

    assert response.status_code == 404
    assert status_of(draft) == OfferStatus.DRAFT


@pytest.mark.parametrize("name", ["assign", "decide", "rerun_checks"])
def test_the_action_urls_answer_405_to_a_get(insider_client, in_review, name):
    response = insider_client.get(url(name, in_review))

    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_reviewers_and_admins_open_the_offer_page(insider_client, in_review):
    response = insider_client.get(url("offer", in_review))

    assert response.status_code == 200
    assert response.context["offer"] == in_review


@pytest.mark.parametrize(("method", "name"), [("post", "assign"), ("post", "rerun_checks")])
def test_actions_need_a_csrf_token(reviewer, in_review, method, name):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reviewer)

    response = getattr(browser, method)(url(name, in_review))

    assert response.status_code == 403
    in_review.refresh_from_db()
    assert (in_review.status, in_review.assigned_to) == (OfferStatus.IN_REVIEW, None)


def test_a_decision_needs_a_csrf_token(reviewer, in_review):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reviewer)

    response = post_decision(browser, in_review, OfferStatus.APPROVED)

    assert response.status_code == 403
    assert status_of(in_review) == OfferStatus.IN_REVIEW


def test_a_decision_with_the_pages_csrf_token_goes_through(reviewer, in_review):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reviewer)
    browser.get(url("offer", in_review))

    response = browser.post(
        url("decide", in_review),
        decision_data(OfferStatus.APPROVED, csrfmiddlewaretoken=browser.cookies["csrftoken"].value),
    )

    assert response.status_code == 302
    assert status_of(in_review) == OfferStatus.APPROVED


# Logos ---------------------------------------------------------------------------------------


def test_reviewers_and_admins_get_the_re_encoded_copy_of_a_logo(insider_client, in_review):
    logo = in_review.logos.get(slot="40x40")
    clean = png_bytes(40, 40, color=(200, 10, 10, 255))
    logo.clean_image.save("clean.png", ContentFile(clean))

    response = insider_client.get(url("logo", in_review, slot="40x40"))

    assert response.status_code == 200
    assert (response["Content-Type"], response["X-Content-Type-Options"]) == (
        "image/png",
        "nosniff",
    )
    assert b"".join(response.streaming_content) == clean
    assert clean != logo.image.open("rb").read()


def test_a_slot_without_a_logo_answers_404_to_a_reviewer(reviewer_client, in_review):
    in_review.logos.filter(slot="90x90").delete()

    assert reviewer_client.get(url("logo", in_review, slot="90x90")).status_code == 404


# The page ------------------------------------------------------------------------------------


def test_the_page_is_a_checklist_by_section_against_the_offers_requirements(
    reviewer_client, in_review
):
    response = reviewer_client.get(url("offer", in_review))
    html = response.content.decode()

    sections = response.context["sections"]
    assert [title for title, _items in sections] == [
        "Business requirements",
        "Technical requirements",
        "Marketing assets",
    ]
    assert [[item.requirement.key for item, _verdict in items] for _title, items in sections] == [
        ["registration", "microsoft_account", "ordering_billing", "support_model", "licensing"],
        [
            "aad_sso",
            "integrations",
            "line_of_business",
            "trial",
            "low_configuration",
            "support_link",
            "uptime",
        ],
        ["app_name", "description", "logos", "terms", "privacy"],
    ]
    items = {item.requirement.key: item for _title, items in sections for item, _verdict in items}
    assert [(answer.label, answer.text) for answer in items["registration"].answers] == [
        ("Company name", "Alice Apps"),
        ("Registration", "Microsoft Partner Network member"),
        ("MPN ID", "4512345"),
    ]
    assert [(answer.label, answer.text) for answer in items["trial"].answers] == [
        ("How customers try it", "Free trial"),
        ("Free trial period (days)", "30"),
    ]
    assert [(answer.label, answer.text) for answer in items["integrations"].answers] == [
        ("Microsoft cloud services", "Microsoft Power BI")
    ]
    assert [(answer.label, answer.text) for answer in items["uptime"].answers] == [
        ("Uptime commitment", "99.95%")
    ]
    assert "Requirements of 2018-12: At least 99.9%." in html
    assert (
        "Requirements of 2018-12: A PNG of exactly 40 × 40, 90 × 90, 115 × 115, 255 × 115 "
        "pixels, at most 1.0\xa0MB each."
    ) in html


def test_the_page_shows_the_logos_at_their_real_size_from_the_review_url(
    reviewer_client, in_review
):
    html = reviewer_client.get(url("offer", in_review)).content.decode()

    for logo in in_review.logos.all():
        src = f"{url('logo', in_review, slot=logo.slot)}?v={logo.pk}"
        assert f'<img src="{src}" width="{logo.width}" height="{logo.height}"' in html
    assert 'src="/offers/' not in html  # never the publisher's own logo URL


def test_the_description_is_rendered_exactly_as_stored_sanitised(reviewer_client, alice):
    offer = submitted_offer(alice, description_html="<h2>Routes</h2><p>Plans <em>routes</em>.</p>")

    html = reviewer_client.get(url("offer", offer)).content.decode()

    assert '<div class="preview__body"><h2>Routes</h2><p>Plans <em>routes</em>.</p></div>' in html


def test_each_check_shows_its_details_and_warnings(reviewer_client, in_review):
    Check.objects.filter(offer=in_review, kind="privacy_url").update(
        details={
            "status_code": 200,
            "final_url": "https://contoso.example/legal/privacy",
            "redirects": ["https://contoso.example/legal/privacy"],
            "elapsed_ms": 312,
            "content_type": "text/html",
        },
        warnings=["This page does not mention privacy; check that it is the privacy policy."],
    )
    Check.objects.filter(offer=in_review, kind="logo", subject="40x40").update(
        details={
            "format": "PNG",
            "width": 40,
            "height": 40,
            "mode": "RGBA",
            "frames": 1,
            "bytes": 2048,
        }
    )

    html = reviewer_client.get(url("offer", in_review)).content.decode()

    for row in (
        "<dt>Status code</dt><dd>200</dd>",
        "<dt>Final URL</dt><dd>https://contoso.example/legal/privacy</dd>",
        "<dt>Redirects</dt><dd><ol><li>https://contoso.example/legal/privacy</li></ol></dd>",
        "<dt>Time</dt><dd>312 ms</dd>",
        "<dt>Content type</dt><dd>text/html</dd>",
        "<li>This page does not mention privacy; check that it is the privacy policy.</li>",
        "<dt>Format</dt><dd>PNG</dd>",
        "<dt>Size</dt><dd>40 × 40</dd>",
        "<dt>Mode</dt><dd>RGBA</dd>",
        "<dt>Frames</dt><dd>1</dd>",
        "<dt>File size</dt><dd>2.0\xa0KB</dd>",
    ):
        assert row in html


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        (OfferStatus.IN_REVIEW, True),
        (OfferStatus.CHANGES_NEEDED, True),
        (OfferStatus.VALIDATING, False),
        (OfferStatus.CHANGES_REQUESTED, False),
        (OfferStatus.APPROVED, False),
        (OfferStatus.WITHDRAWN, False),
    ],
)
def test_run_the_checks_again_is_offered_only_where_it_can_run(
    reviewer_client, alice, status, shown
):
    offer = submitted_offer(alice, status=status)

    html = reviewer_client.get(url("offer", offer)).content.decode()

    assert (f'action="{url("rerun_checks", offer)}"' in html) is shown
    assert ("Run the checks again" in html) is shown


def test_the_decision_form_offers_approve_only_when_every_check_passed(reviewer_client, alice):
    passed = submitted_offer(alice)
    failed = submitted_offer(alice, check_status=CheckStatus.FAILED)

    passed_html = reviewer_client.get(url("offer", passed)).content.decode()
    failed_html = reviewer_client.get(url("offer", failed)).content.decode()

    assert 'value="approved"' in passed_html
    assert 'value="approved"' not in failed_html
    assert "Approve is not offered: not every check of this revision has passed." in failed_html
    assert 'value="changes_requested"' in failed_html and 'value="rejected"' in failed_html


@pytest.mark.parametrize(
    "status", [OfferStatus.VALIDATING, OfferStatus.CHANGES_REQUESTED, OfferStatus.APPROVED]
)
def test_no_decision_form_outside_review(reviewer_client, alice, status):
    offer = submitted_offer(alice, status=status)

    response = reviewer_client.get(url("offer", offer))
    html = response.content.decode()

    assert f'action="{url("decide", offer)}"' not in html
    assert f"No decision is due: the offer is “{OfferStatus(status).label}”." in html


def test_what_changed_since_the_previous_revision(reviewer_client, alice, reviewer):
    offer = submitted_offer(alice)
    services.decide(offer, OfferStatus.CHANGES_REQUESTED, reviewer=reviewer, reasons=[UPTIME])
    offer.refresh_from_db()
    services.save_step(
        offer, "technical", {**services.step_initial(offer, "technical"), "uptime_percent": "99.99"}
    )
    logo = offer.logos.get(slot="90x90")
    logo.image.save("new.png", ContentFile(png_bytes(90, 90)))
    services.submit_offer(offer, actor=alice)

    response = reviewer_client.get(url("offer", offer))
    html = response.content.decode()

    assert [
        (requirement.key, [(c.label, c.before, c.after) for c in items])
        for requirement, items in response.context["changes"]
    ] == [
        ("uptime", [("Uptime commitment", "99.95%", "99.99%")]),
        ("logos", [("Logos", "90x90", "90x90")]),
    ]
    assert "What changed since revision 1" in html
    # Side by side (tests/review/test_revision_differences.py has the rest).
    assert "<td><del>99.95%</del></td><td><ins>99.99%</ins></td>" in html


def test_while_the_publisher_edits_the_page_shows_the_answers_as_submitted(
    reviewer_client, alice, reviewer
):
    offer = submitted_offer(alice)
    services.decide(offer, OfferStatus.CHANGES_REQUESTED, reviewer=reviewer, reasons=[UPTIME])
    offer.refresh_from_db()
    services.save_step(
        offer, "technical", {**services.step_initial(offer, "technical"), "uptime_percent": "99.99"}
    )

    response = reviewer_client.get(url("offer", offer))

    assert response.context["answers"]["uptime_percent"] == "99.950"
    assert "99.99%" not in response.content.decode()
    assert (
        "The publisher may be changing this offer now. The answers below are revision 1 as it "
        "was submitted; the logos are shown as they are now."
    ) in response.content.decode()


def test_the_first_revision_has_nothing_to_compare(reviewer_client, in_review):
    response = reviewer_client.get(url("offer", in_review))

    assert response.context["changes"] is None
    assert "What changed since" not in response.content.decode()


def test_the_page_query_count_does_not_grow_with_events_and_reasons(
    reviewer_client, alice, reviewer
):
    def count(offer):
        with CaptureQueriesContext(connection) as queries:
            assert reviewer_client.get(url("offer", offer)).status_code == 200
        return len(queries)

    def history(offer, events):
        for number in range(events):
            event = OfferEvent.objects.create(
                offer=offer,
                actor=reviewer if number % 2 else alice,
                from_status=OfferStatus.IN_REVIEW,
                to_status=OfferStatus.CHANGES_REQUESTED,
                revision=1,
                internal_note=f"note {number}",
            )
            ReviewReason.objects.create(event=event, requirement="uptime", comment=f"c {number}")

    small, large = submitted_offer(alice), submitted_offer(alice)
    history(small, 1)
    history(large, 10)

    assert count(large) == count(small)
    # The reviewers the offer can be assigned to are read once, not once more for the
    # select's `required`.
    assert count(small) == 11


# Assigning and checking again ----------------------------------------------------------------


def test_a_reviewer_assigns_the_offer_to_themself(insider_client, insider, in_review):
    response = insider_client.post(url("assign", in_review))

    assert response["Location"] == url("offer", in_review)
    in_review.refresh_from_db()
    assert in_review.assigned_to == insider
    event = OfferEvent.objects.get(offer=in_review)
    assert (event.kind, event.actor) == (EventKind.ASSIGNED, insider)
    html = insider_client.get(url("offer", in_review)).content.decode()
    assert "Assigned to you." in html
    # Another reviewer can still be chosen, but "Assign to me" has nothing left to do.
    assert "Assign to me</button>" not in html


def test_assigning_twice_records_one_event(reviewer_client, in_review):
    reviewer_client.post(url("assign", in_review), follow=True)

    response = reviewer_client.post(url("assign", in_review))

    assert messages_of(response) == ["This offer is already assigned to you."]
    assert OfferEvent.objects.filter(offer=in_review).count() == 1


def test_another_reviewer_sees_who_has_the_offer_and_can_take_it_over(client, reviewer, in_review):
    services.assign(in_review, reviewer=reviewer)
    other = UserFactory(email="erin@example.com", role=Role.REVIEWER)
    client.force_login(other)

    html = client.get(url("offer", in_review)).content.decode()
    client.post(url("assign", in_review))

    assert "Assigned to carol@example.com." in html
    in_review.refresh_from_db()
    assert in_review.assigned_to == other


def test_a_decided_offer_cannot_be_assigned(reviewer_client, alice):
    offer = submitted_offer(alice, status=OfferStatus.APPROVED)

    response = reviewer_client.post(url("assign", offer))

    assert messages_of(response) == [
        "Only an offer still under way can be assigned; it is “Approved”."
    ]
    offer.refresh_from_db()
    assert offer.assigned_to is None


def test_running_the_checks_again_starts_a_new_round_of_pending_checks(
    insider_client, insider, in_review, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = insider_client.post(url("rerun_checks", in_review))

    assert response["Location"] == url("offer", in_review)
    assert len(queued) == 1  # the tasks are queued once the new rows are committed
    in_review.refresh_from_db()
    assert (in_review.status, in_review.revision) == (OfferStatus.VALIDATING, 1)
    assert (
        list(Check.objects.filter(offer=in_review).values_list("status", flat=True))
        == [CheckStatus.PENDING] * 7
    )
    event = OfferEvent.objects.get(offer=in_review)
    assert (event.actor, event.kind, event.to_status, event.reason) == (
        insider,
        "checks_rerun",
        OfferStatus.VALIDATING,
        "",
    )
    html = insider_client.get(url("offer", in_review)).content.decode()
    assert "<p>Ran the checks again.</p>" in html
    # Each at a glance at the top, and again beside the answer it checks.
    assert html.count('<span class="badge badge--check-pending">Waiting</span>') == 7 * 2


def test_checks_run_again_by_the_workers_bring_the_offer_back_to_review(
    reviewer_client, alice, settings, django_capture_on_commit_callbacks
):
    with serve() as (site, hits):
        allow_checks_to_reach(settings, site)
        offer = submitted_offer(
            alice,
            check_status=CheckStatus.ERROR,
            status=OfferStatus.CHANGES_NEEDED,
            support_url=f"{site}/support",
            privacy_url=f"{site}/privacy",
            terms_url=f"{site}/terms",
        )

        # Tasks run at once in the test settings, as soon as the rerun commits.
        with django_capture_on_commit_callbacks(execute=True):
            reviewer_client.post(url("rerun_checks", offer))

    offer.refresh_from_db()
    assert offer.status == OfferStatus.IN_REVIEW
    assert set(Check.objects.filter(offer=offer).values_list("status", flat=True)) == {
        CheckStatus.PASSED
    }
    assert (hits["/support"], hits["/privacy"], hits["/terms"]) >= (1, 1, 1)


def test_checks_of_a_decided_offer_do_not_run_again(reviewer_client, alice):
    offer = submitted_offer(alice, status=OfferStatus.APPROVED)

    response = reviewer_client.post(url("rerun_checks", offer))

    assert messages_of(response) == ["The checks cannot run again while the offer is “Approved”."]
    assert Check.objects.filter(offer=offer, status=CheckStatus.PASSED).count() == 7


# Decisions -----------------------------------------------------------------------------------


def test_approving_an_offer_whose_checks_all_passed(insider_client, insider, in_review, alice):
    response = post_decision(insider_client, in_review, OfferStatus.APPROVED)

    assert response["Location"] == url("offer", in_review)
    assert messages_of(response) == ["You approved this offer. The publisher is being told."]
    assert status_of(in_review) == OfferStatus.APPROVED
    event = OfferEvent.objects.get(offer=in_review)
    assert (event.actor, event.from_status, event.to_status) == (
        insider,
        OfferStatus.IN_REVIEW,
        OfferStatus.APPROVED,
    )
    assert list(Notification.objects.values_list("recipient", "event", "kind")) == [
        (alice.pk, event.pk, NotificationKind.APPROVED)
    ]


def test_approving_is_refused_when_a_check_did_not_pass_and_nothing_is_lost(reviewer_client, alice):
    offer = submitted_offer(alice)
    Check.objects.filter(offer=offer, kind="terms_url").update(status=CheckStatus.FAILED)

    response = post_decision(
        reviewer_client, offer, OfferStatus.APPROVED, internal_note="Terms page looks fine to me."
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert response.context["decision_form"].non_field_errors() == [REFUSED_APPROVAL]
    assert REFUSED_APPROVAL in html
    assert "Terms page looks fine to me.</textarea>" in html
    assert status_of(offer) == OfferStatus.IN_REVIEW
    assert OfferEvent.objects.filter(offer=offer).count() == 0


@pytest.mark.parametrize("decision", [OfferStatus.CHANGES_REQUESTED, OfferStatus.REJECTED])
def test_asking_for_changes_or_rejecting_without_a_requirement_not_met_keeps_what_was_typed(
    reviewer_client, in_review, decision
):
    response = post_decision(
        reviewer_client, in_review, decision, internal_note="Check the SLA again."
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert response.context["decision_form"].errors == {"decision": [NO_REASON]}
    assert f'<ul class="errorlist" id="id_decision_error"><li>{NO_REASON}</li></ul>' in html
    assert "Check the SLA again.</textarea>" in html
    index = 1 if decision == OfferStatus.CHANGES_REQUESTED else 2
    assert (
        f'value="{decision}" required aria-invalid="true" id="id_decision_{index}" checked>' in html
    )
    # The page opens on the error: the first choice of the decision, not the summary.
    assert 'value="approved" autofocus required aria-invalid="true" id="id_decision_0">' in html
    assert 'id="error-summary" autofocus' not in html
    assert status_of(in_review) == OfferStatus.IN_REVIEW


def test_each_requirement_has_a_verdict_beside_it_that_meets_until_marked_otherwise(
    reviewer_client, in_review
):
    html = reviewer_client.get(url("offer", in_review)).content.decode()
    uptime = html[html.index('id="requirement-uptime"') :]
    uptime = uptime[: uptime.index("</li>\n")]

    assert "<legend>Verdict on “An uptime of at least 99.9%”</legend>" in uptime
    assert (
        '<input type="radio" name="verdict_uptime" value="meets" form="decision-form" '
        'id="id_verdict_uptime_0" checked>'
    ) in uptime
    assert 'value="not_met" form="decision-form" id="id_verdict_uptime_1">' in uptime
    assert (
        '<label for="id_comment_uptime">Comment for the publisher on “An uptime of at least '
        "99.9%”</label>"
    ) in uptime
    assert 'name="comment_uptime" cols="40" rows="2" form="decision-form"' in uptime
    assert '<form method="post" action="' + url("decide", in_review) in html
    assert 'id="decision-form"' in html
    # No fixed rows of reasons any more.
    assert "reasons-TOTAL_FORMS" not in html


def test_a_requirement_not_met_without_a_comment_is_an_error_beside_it_and_focused(
    reviewer_client, in_review
):
    data = decision_data(OfferStatus.CHANGES_REQUESTED, reasons=[UPTIME, ("logos", "")])
    data["comment_terms"] = ""

    response = reviewer_client.post(url("decide", in_review), data)
    html = response.content.decode()

    assert response.context["decision_form"].errors == {
        "comment_logos": ["Say what does not meet this requirement and how to fix it."]
    }
    assert (
        '<ul class="errorlist" id="id_comment_logos_error">'
        "<li>Say what does not meet this requirement and how to fix it.</li></ul>"
    ) in html
    assert (
        '<textarea name="comment_logos" cols="40" rows="2" form="decision-form" maxlength="2000" '
        'autofocus aria-invalid="true"'
    ) in html
    assert html.count(" autofocus") == 1
    # The summary in the decision panel links to it.
    assert '<a href="#id_comment_logos">Comment for the publisher on “Logos”: Say what' in html
    assert UPTIME[1] + "</textarea>" in html
    assert 'value="not_met" form="decision-form" id="id_verdict_logos_1" checked>' in html
    assert ReviewReason.objects.count() == 0
    assert status_of(in_review) == OfferStatus.IN_REVIEW


def test_a_comment_on_a_requirement_marked_as_met_is_kept_and_questioned(
    reviewer_client, in_review
):
    data = decision_data(OfferStatus.CHANGES_REQUESTED, reasons=[UPTIME])
    data["comment_logos"] = "The 255 × 115 logo is blurry."

    response = reviewer_client.post(url("decide", in_review), data)

    assert response.context["decision_form"].errors == {
        "comment_logos": [
            "This requirement is marked as met: mark it “Does not meet” to send this comment, "
            "or clear the comment."
        ]
    }
    assert "The 255 × 115 logo is blurry.</textarea>" in response.content.decode()
    assert status_of(in_review) == OfferStatus.IN_REVIEW


def test_an_offer_with_a_requirement_not_met_cannot_be_approved(reviewer_client, in_review):
    response = post_decision(reviewer_client, in_review, OfferStatus.APPROVED, reasons=[UPTIME])

    assert response.context["decision_form"].errors == {
        "decision": [
            "An offer with a requirement marked “Does not meet” cannot be approved: request "
            "changes or reject, or mark it as met."
        ]
    }
    assert status_of(in_review) == OfferStatus.IN_REVIEW
    assert ReviewReason.objects.count() == 0


def test_a_refusal_by_the_service_focuses_the_summary_of_the_decision_panel(reviewer_client, alice):
    offer = submitted_offer(alice)
    Check.objects.filter(offer=offer, kind="terms_url").update(status=CheckStatus.FAILED)

    html = post_decision(reviewer_client, offer, OfferStatus.APPROVED).content.decode()

    assert (
        'id="error-summary" autofocus>\n  <h2>Please correct the following</h2>\n  <ul>\n'
        f"    <li>{REFUSED_APPROVAL}</li>"
    ) in html
    assert html.count(" autofocus") == 1


def test_a_missing_decision_is_an_error_on_its_field(reviewer_client, in_review):
    response = post_decision(reviewer_client, in_review, "", reasons=[UPTIME])

    assert response.context["decision_form"].errors == {
        "decision": ["Choose approve, request changes or reject."]
    }
    assert UPTIME[1] + "</textarea>" in response.content.decode()


def test_asking_for_changes_keeps_each_reason_and_the_publisher_reads_them_where_they_fix_them(
    reviewer_client, client, alice, in_review
):
    response = post_decision(
        reviewer_client,
        in_review,
        OfferStatus.CHANGES_REQUESTED,
        reasons=[UPTIME, LOGOS],
        internal_note="Second opinion from Dave.",
    )

    assert messages_of(response) == [
        "You asked for changes. The publisher is being told, with your reasons."
    ]
    assert status_of(in_review) == OfferStatus.CHANGES_REQUESTED
    event = OfferEvent.objects.get(offer=in_review)
    assert list(event.reasons.values_list("requirement", "comment")) == [UPTIME, LOGOS]
    assert event.internal_note == "Second opinion from Dave."

    client.force_login(alice)
    detail = client.get(reverse("offers:detail", kwargs={"pk": in_review.pk})).content.decode()
    technical = client.get(
        reverse("offers:wizard", kwargs={"pk": in_review.pk, "step": "technical"})
    ).content.decode()
    marketing = client.get(
        reverse("offers:wizard", kwargs={"pk": in_review.pk, "step": "marketing"})
    ).content.decode()

    technical_url = reverse("offers:wizard", kwargs={"pk": in_review.pk, "step": "technical"})
    assert (
        f"<li><strong>An uptime of at least 99.9%</strong>: {UPTIME[1]}"
        f' <a href="{technical_url}">Fix it'
    ) in detail
    assert "Second opinion from Dave." not in detail
    assert f"<li><strong>An uptime of at least 99.9%</strong>: {UPTIME[1]}</li>" in technical
    assert LOGOS[1] not in technical
    assert f"<li><strong>Logos</strong>: {LOGOS[1]}</li>" in marketing
    assert UPTIME[1] not in marketing


def test_rejecting_with_reasons(reviewer_client, client, alice, in_review):
    post_decision(reviewer_client, in_review, OfferStatus.REJECTED, reasons=[UPTIME])

    assert status_of(in_review) == OfferStatus.REJECTED
    assert Notification.objects.get().kind == NotificationKind.REJECTED
    client.force_login(alice)
    detail = client.get(reverse("offers:detail", kwargs={"pk": in_review.pk})).content.decode()
    assert "A reviewer rejected your offer. The reasons are listed below." in detail
    assert f"<li><strong>An uptime of at least 99.9%</strong>: {UPTIME[1]}</li>" in detail


def test_a_reviewer_never_decides_on_an_offer_of_their_own_organisation(client):
    own = UserFactory(email="rita@example.com", role=Role.REVIEWER)
    offer = submitted_offer(own)
    client.force_login(own)

    html = client.get(url("offer", offer)).content.decode()
    response = post_decision(client, offer, OfferStatus.APPROVED)

    assert (
        "You belong to the organisation of this offer, so another reviewer must decide on it."
        in html
    )
    assert f'action="{url("decide", offer)}"' not in html
    assert response.context["decision_form"].non_field_errors() == [
        "You belong to the organisation of this offer, so another reviewer must decide on it."
    ]
    assert status_of(offer) == OfferStatus.IN_REVIEW


def test_a_decision_on_an_offer_decided_meanwhile_says_so_and_records_nothing(
    reviewer_client, admin_user, in_review
):
    services.decide(in_review, OfferStatus.APPROVED, reviewer=admin_user)

    response = post_decision(
        reviewer_client, in_review, OfferStatus.CHANGES_REQUESTED, reasons=[UPTIME]
    )

    message = "This offer is no longer waiting for a decision: it is “Approved” now."
    assert response.status_code == 200
    assert response.context["decision_form"].non_field_errors() == [message]
    assert message in response.content.decode()
    assert status_of(in_review) == OfferStatus.APPROVED
    assert OfferEvent.objects.filter(offer=in_review).count() == 1


def test_status_and_owner_fields_in_a_post_are_ignored(reviewer_client, in_review, alice, bob):
    data = decision_data(
        OfferStatus.CHANGES_REQUESTED,
        reasons=[UPTIME],
        status=OfferStatus.APPROVED,
        owner=str(bob.pk),
        assigned_to=str(bob.pk),
        actor=str(bob.pk),
    )

    reviewer_client.post(url("decide", in_review), data)

    in_review.refresh_from_db()
    assert (in_review.status, in_review.created_by, in_review.assigned_to) == (
        OfferStatus.CHANGES_REQUESTED,
        alice,
        None,
    )
    assert OfferEvent.objects.get(offer=in_review).actor.email == "carol@example.com"


# History -------------------------------------------------------------------------------------


def test_reviewers_see_internal_notes_and_names_in_the_history(
    reviewer_client, client, admin_user, in_review
):
    services.assign(in_review, reviewer=admin_user)
    services.decide(
        in_review,
        OfferStatus.CHANGES_REQUESTED,
        reviewer=admin_user,
        reasons=[UPTIME],
        internal_note="Asked legal about the SLA.",
    )

    html = reviewer_client.get(url("offer", in_review)).content.decode()

    assert "<strong>Internal note (reviewers only):</strong> Asked legal about the SLA." in html
    assert '<strong class="timeline__who">dave@example.com</strong>' in html
    assert "Took the offer on for review." in html
    assert f"<li><strong>An uptime of at least 99.9%</strong>: {UPTIME[1]}</li>" in html


def test_a_reviewer_assigns_the_offer_to_another_reviewer(reviewer_client, reviewer, in_review):
    other = UserFactory(email="erin@example.com", role=Role.REVIEWER)

    response = reviewer_client.post(url("assign", in_review), {"reviewer": other.pk})

    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.assigned_to == other
    event = in_review.events.get(kind=EventKind.ASSIGNED)
    assert (event.actor, event.assignee) == (reviewer, other)
    page = reviewer_client.get(url("offer", in_review)).content.decode()
    assert "This offer is now assigned to erin@example.com." in page
    assert "Assigned the offer to erin@example.com." in page


def test_a_publisher_cannot_be_chosen_as_the_reviewer(reviewer_client, alice, in_review):
    response = reviewer_client.post(url("assign", in_review), {"reviewer": alice.pk}, follow=True)

    in_review.refresh_from_db()
    assert in_review.assigned_to is None
    assert "That reviewer cannot take this offer on: choose one from the list." in (
        response.content.decode()
    )


def test_a_reviewer_in_the_offers_organisation_is_not_offered(reviewer_client, in_review):
    insider = UserFactory(email="inside@example.com", role=Role.REVIEWER)
    MembershipFactory(user=insider, organisation=in_review.organisation, role="viewer")

    page = reviewer_client.get(url("offer", in_review)).content.decode()
    refused = reviewer_client.post(url("assign", in_review), {"reviewer": insider.pk})

    assert "inside@example.com</option>" not in page
    assert refused.status_code == 302
    in_review.refresh_from_db()
    assert in_review.assigned_to is None


def test_an_assigned_offer_is_unassigned_and_the_history_says_from_whom(
    reviewer_client, reviewer, in_review
):
    other = UserFactory(email="erin@example.com", role=Role.REVIEWER)
    services.assign(in_review, reviewer=other, by=reviewer)

    response = reviewer_client.post(url("unassign", in_review), follow=True)

    in_review.refresh_from_db()
    assert in_review.assigned_to is None
    page = response.content.decode()
    assert "Nobody has this offer now: it is back among the unassigned." in page
    assert "Took the offer from erin@example.com: nobody has it now." in page


# Live: the checks and the status update by themselves (offers/live.py) ------------------------


@pytest.fixture
def being_checked(alice):
    """Alice's offer while its checks run: the 4 logos are still waiting, the 3 URLs passed."""
    offer = submitted_offer(alice, status=OfferStatus.VALIDATING)
    Check.objects.filter(offer=offer, kind="logo").update(status=CheckStatus.PENDING, attempts=0)
    return offer


def test_the_checks_of_the_page_update_by_themselves_while_they_run(reviewer_client, being_checked):
    page = reviewer_client.get(url("offer", being_checked)).content.decode()
    poll = poll_url(page)

    assert poll.startswith(f"{url('offer_live', being_checked)}?page_status=validating&shown=")
    assert "Status: Being checked. 3 of 7 checks finished.</p>" in page
    assert reviewer_client.get(poll, headers=HTMX).status_code == 204
    Check.objects.filter(offer=being_checked, subject="40x40").update(
        status=CheckStatus.PASSED, attempts=2, details={"format": "PNG", "width": 40}
    )
    fragment = reviewer_client.get(poll, headers=HTMX).content.decode()
    # Beside the logo it checks, out of band: the evidence replaces its own place on the page.
    assert '<div class="evidence" id="check-logo-40x40" hx-swap-oob="true">' in fragment
    assert '<div class="evidence" id="check-logo-40x40">' in page
    assert "<dt>Format</dt><dd>PNG</dd>" in fragment
    assert ' <span class="subject">2 attempts</span>' in fragment
    assert "Status: Being checked. 4 of 7 checks finished.</p>" in fragment
    assert poll_url(fragment) not in (None, poll)


@pytest.mark.parametrize(
    ("status", "polls"),
    [
        (OfferStatus.VALIDATING, True),
        (OfferStatus.IN_REVIEW, True),  # another reviewer may decide
        (OfferStatus.CHANGES_NEEDED, False),
        (OfferStatus.APPROVED, False),
        (OfferStatus.WITHDRAWN, False),
    ],
)
def test_the_page_polls_only_while_the_checks_run_or_a_decision_is_awaited(
    reviewer_client, alice, status, polls
):
    page = reviewer_client.get(url("offer", submitted_offer(alice, status=status))).content.decode()

    assert (poll_url(page) is not None, "htmx.min.js" in page) == (polls, polls)


def test_a_decision_by_another_reviewer_arrives_with_a_link_to_reload(
    reviewer_client, admin_user, in_review
):
    poll = poll_url(reviewer_client.get(url("offer", in_review)).content.decode())
    services.decide(in_review, OfferStatus.APPROVED, reviewer=admin_user)

    fragment = reviewer_client.get(poll, headers=HTMX).content.decode()

    # The decision form is no longer due: the page's actions change, so it offers a reload.
    assert (
        '<span id="offer-status" class="badge badge--approved" hx-swap-oob="true">Approved</span>'
        in fragment
    )
    assert f'Status: Approved. 7 of 7 checks finished. <a href="{url("offer", in_review)}">' in (
        fragment
    )
    assert RELOAD in fragment
    assert poll_url(fragment) is None


def test_a_poll_of_a_publisher_or_after_signing_out_reloads_the_page(client, alice, in_review):
    signed_out = client.get(url("offer_live", in_review), headers=HTMX)
    client.force_login(alice)
    publisher = client.get(url("offer_live", in_review), headers=HTMX)

    assert (signed_out.status_code, signed_out["HX-Refresh"]) == (200, "true")
    assert (publisher.status_code, publisher["HX-Refresh"]) == (200, "true")


def test_the_fragment_query_count_is_pinned(insider_client, alice):
    def count(offer, **query):
        with CaptureQueriesContext(connection) as queries:
            response = insider_client.get(url("offer_live", offer), query, headers=HTMX)
        return response.status_code, len(queries)

    offer = submitted_offer(alice, status=OfferStatus.VALIDATING)
    other = submitted_offer(alice, status=OfferStatus.IN_REVIEW)

    shown = live.fingerprint(offer, Check.objects.current_round(offer))

    # The person, their second factor (the reviewers' pages need one), the offer with its
    # organisation and reviewer, its checks; the session comes from the cache.
    assert count(offer) == count(other) == (200, 4)
    assert count(offer, page_status="validating", shown=shown) == (204, 4)
