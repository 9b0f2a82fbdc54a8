"""What changed between two revisions, on the reviewer's page: every changed answer old beside
new, the description and the business process word by word (as text, never as markup), and
the old logo beside its replacement, whose file outlives the replacement."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from offers import services
from offers.models import Offer, OfferRevision, OfferStatus
from review.differences import html_text, new_side, old_side, word_diff
from tests.factories import OfferFactory, png_bytes, submitted_offer

pytestmark = pytest.mark.django_db

UPTIME = ("uptime", "Your SLA page says 99.5%; the marketplace asks for at least 99.9%.")
RED, GREEN = (200, 10, 10, 255), (10, 160, 60, 255)
URL_T = "https://contoso.example/t"


def page(client, offer):
    return client.get(reverse("review:offer", kwargs={"pk": offer.pk}))


def logo_url(offer, number, slot):
    return reverse("review:revision_logo", kwargs={"pk": offer.pk, "number": number, "slot": slot})


def diff_table(html):
    """The "What changed" table of a page's HTML, and nothing else of the page."""
    start = html.index('<table class="diff">')
    return html[start : html.index("</table>", start)]


def as_asked_to_change(offer, reviewer):
    """The reviewer asked for changes: the publisher may edit revision 1 again."""
    services.decide(offer, OfferStatus.CHANGES_REQUESTED, reviewer=reviewer, reasons=[UPTIME])
    offer.refresh_from_db()
    return offer


def resubmitted(offer, publisher, **answers):
    """Revision 2, with `answers` changed on the offer since revision 1."""
    Offer.objects.filter(pk=offer.pk).update(**answers)
    offer.refresh_from_db()
    services.submit_offer(offer, actor=publisher)
    return offer


def png(width, height, color):
    return SimpleUploadedFile("logo.png", png_bytes(width, height, color), "image/png")


def replace_logo(offer, slot, color, callbacks):
    """A new upload for `slot`, through the service the wizard and the API use, committed."""
    width, height = map(int, slot.split("x"))
    with callbacks(execute=True):
        return services.store_logos(offer, {slot: png(width, height, color)})[slot]


def served(response):
    return b"".join(response.streaming_content)


# Words -----------------------------------------------------------------------------------


def test_the_text_of_a_description_keeps_its_paragraphs_and_decodes_its_entities():
    html = "<p>Plans <b>routes</b>\n for  crews.</p><ul><li>Fast &amp; fair</li><li>&lt;b&gt;</li>"

    assert html_text(html) == "Plans routes for crews.\nFast & fair\n<b>"


def test_a_word_diff_marks_removed_and_added_words_and_keeps_the_rest():
    assert word_diff("Plans slow routes daily", "Plans fast routes") == [
        ("same", "Plans "),
        ("removed", "slow"),
        ("added", "fast"),
        ("same", " routes "),
        ("removed", "daily"),
    ]


def test_each_side_of_a_word_diff_spells_its_own_text_with_single_spaces():
    segments = word_diff("Plans routes", "Plans fast routes")

    assert (old_side(segments), new_side(segments)) == (
        [("same", "Plans routes")],
        [("same", "Plans "), ("added", "fast"), ("same", " routes")],
    )


def test_text_without_spaces_between_words_is_compared_character_by_character():
    assert word_diff("我們規劃路線", "我們快速規劃路線") == [
        ("same", "我們"),
        ("added", "快速"),
        ("same", "規劃路線"),
    ]


def test_the_description_is_compared_word_by_word_and_its_markup_never_rendered(
    reviewer_client, alice, reviewer
):
    offer = as_asked_to_change(
        submitted_offer(alice, description_html="<p>Plans <b>routes</b></p>"), reviewer
    )
    resubmitted(offer, alice, description_html="<p>Plans <b>fast routes</b></p>")

    response = page(reviewer_client, offer)

    [(requirement, [change])] = response.context["changes"]
    assert (requirement.key, change.label, change.before, change.after) == (
        "description",
        "Description",
        "Plans routes",
        "Plans fast routes",
    )
    assert list(change.segments) == [("same", "Plans "), ("added", "fast"), ("same", " routes")]
    table = diff_table(response.content.decode())
    assert '<th scope="col">Revision 1</th>' in table
    assert '<th scope="col">Revision 2</th>' in table
    assert '<td class="diff__text">Plans routes</td>' in table
    assert '<td class="diff__text">Plans <ins>fast</ins> routes</td>' in table
    assert "<b>" not in table and "<p>" not in table


def test_markup_in_the_words_of_a_description_is_shown_as_text(reviewer_client, alice, reviewer):
    offer = as_asked_to_change(
        submitted_offer(alice, description_html="<p>Works with maps.</p>"), reviewer
    )
    resubmitted(offer, alice, description_html="<p>Works with &lt;img onerror=x&gt; maps.</p>")

    table = diff_table(page(reviewer_client, offer).content.decode())

    assert '<td class="diff__text">Works with <ins>&lt;img onerror=x&gt;</ins> maps.</td>' in table


def test_a_description_whose_formatting_alone_changed_says_so(reviewer_client, alice, reviewer):
    offer = as_asked_to_change(
        submitted_offer(alice, description_html="<p>Plans routes</p>"), reviewer
    )
    resubmitted(offer, alice, description_html="<p>Plans <b>routes</b></p>")

    table = diff_table(page(reviewer_client, offer).content.decode())

    assert table.count('<td class="diff__text">Plans routes</td>') == 2
    assert "Only the formatting changed: the words are the same." in table


def test_the_business_process_is_compared_word_by_word_line_by_line(
    reviewer_client, alice, reviewer
):
    before = "Dispatchers plan the day.\nCrews report back."
    offer = as_asked_to_change(submitted_offer(alice, business_process=before), reviewer)
    resubmitted(offer, alice, business_process="Dispatchers plan the week.\nCrews report back.")

    response = page(reviewer_client, offer)

    [(requirement, [change])] = response.context["changes"]
    assert (requirement.key, change.label) == ("line_of_business", "Business process")
    assert list(change.segments) == [
        ("same", "Dispatchers plan the "),
        ("removed", "day."),
        ("added", "week."),
        ("same", "\nCrews report back."),
    ]
    table = diff_table(response.content.decode())
    assert (
        '<td class="diff__text">Dispatchers plan the <del>day.</del>\nCrews report back.</td>'
    ) in table
    assert (
        '<td class="diff__text">Dispatchers plan the <ins>week.</ins>\nCrews report back.</td>'
    ) in table


def test_only_the_answers_that_changed_are_listed_each_old_beside_new(
    reviewer_client, alice, reviewer
):
    offer = as_asked_to_change(submitted_offer(alice, app_name="Contoso Field"), reviewer)
    resubmitted(offer, alice, app_name="Contoso Routes", terms_url="https://contoso.example/t")

    response = page(reviewer_client, offer)

    assert [
        (requirement.key, [(c.label, c.before, c.after) for c in items])
        for requirement, items in response.context["changes"]
    ] == [
        ("app_name", [("Official app name", "Contoso Field", "Contoso Routes")]),
        ("terms", [("Terms of use URL", "https://contoso.example/terms", URL_T)]),
    ]
    table = diff_table(response.content.decode())
    assert "<td><del>Contoso Field</del></td><td><ins>Contoso Routes</ins></td>" in table
    assert table.count('scope="rowgroup"') == 2


# Logos -----------------------------------------------------------------------------------


def test_a_replaced_logo_is_shown_beside_its_replacement_each_from_its_revision(
    reviewer_client, alice, reviewer, django_capture_on_commit_callbacks
):
    offer = as_asked_to_change(submitted_offer(alice), reviewer)
    old = offer.logos.get(slot="90x90").clean_image.open("rb").read()
    new = replace_logo(offer, "90x90", RED, django_capture_on_commit_callbacks)
    resubmitted(offer, alice)

    response = page(reviewer_client, offer)

    [(requirement, [change])] = response.context["changes"]
    assert requirement.key == "logos"
    assert [(logo.slot.key, logo.before, logo.after) for logo in change.logos] == [
        ("90x90", "kept", "kept")
    ]
    table = diff_table(response.content.decode())
    assert (
        f'<img src="{logo_url(offer, 1, "90x90")}" width="90" height="90" '
        'alt="90 × 90 logo of revision 1">'
    ) in table
    assert f'<img src="{logo_url(offer, 2, "90x90")}"' in table
    assert served(reviewer_client.get(logo_url(offer, 1, "90x90"))) == old
    assert served(reviewer_client.get(logo_url(offer, 2, "90x90"))) == (
        new.clean_image.open("rb").read()
    )
    assert old != new.clean_image.open("rb").read()


def test_a_logo_replaced_after_a_submission_keeps_its_clean_copy_and_loses_its_upload(
    alice, reviewer, django_capture_on_commit_callbacks
):
    offer = as_asked_to_change(submitted_offer(alice), reviewer)
    old = offer.logos.get(slot="90x90")

    replace_logo(offer, "90x90", RED, django_capture_on_commit_callbacks)

    # The upload was only ever read by the checks; revision 1 shows the clean copy.
    assert (
        default_storage.exists(old.clean_image.name),
        default_storage.exists(old.image.name),
    ) == (
        True,
        False,
    )


def test_a_logo_that_no_revision_showed_is_deleted_when_replaced(
    alice, reviewer, django_capture_on_commit_callbacks
):
    draft = OfferFactory(owner=alice)
    never_submitted = draft.logos.get(slot="90x90")
    offer = as_asked_to_change(submitted_offer(alice), reviewer)
    between = replace_logo(offer, "90x90", RED, django_capture_on_commit_callbacks)

    replace_logo(draft, "90x90", GREEN, django_capture_on_commit_callbacks)
    replace_logo(offer, "90x90", GREEN, django_capture_on_commit_callbacks)

    gone = [
        default_storage.exists(logo.image.name) or default_storage.exists(logo.clean_image.name)
        for logo in (never_submitted, between)
    ]
    assert gone == [False, False]


def test_a_revision_from_before_logos_were_kept_says_its_old_logo_is_not_kept(
    reviewer_client, alice, reviewer, django_capture_on_commit_callbacks
):
    offer = as_asked_to_change(submitted_offer(alice), reviewer)
    first = OfferRevision.objects.get(offer=offer, number=1)
    del first.answers["logo_copies"]
    first.save(update_fields=["answers"])
    replace_logo(offer, "90x90", RED, django_capture_on_commit_callbacks)
    resubmitted(offer, alice)

    response = page(reviewer_client, offer)

    [(_requirement, [change])] = response.context["changes"]
    assert [(logo.slot.key, logo.before, logo.after) for logo in change.logos] == [
        ("90x90", "not_kept", "kept")
    ]
    table = diff_table(response.content.decode())
    assert (
        "<td>Not kept: this logo was replaced before old logos were kept for reviewers.</td>"
    ) in table
    assert reviewer_client.get(logo_url(offer, 1, "90x90")).status_code == 404


def test_a_revision_logo_that_does_not_exist_is_not_found(reviewer_client, in_review):
    assert reviewer_client.get(logo_url(in_review, 1, "90x90")).status_code == 200
    assert reviewer_client.get(logo_url(in_review, 2, "90x90")).status_code == 404
    assert reviewer_client.get(logo_url(in_review, 1, "48x48")).status_code == 404


def test_a_snapshot_cannot_lead_the_revision_logo_out_of_the_logos_folder(
    reviewer_client, in_review
):
    revision = OfferRevision.objects.get(offer=in_review, number=1)
    revision.answers["logo_copies"]["90x90"] = "logos/../settings.py"
    revision.save(update_fields=["answers"])

    assert reviewer_client.get(logo_url(in_review, 1, "90x90")).status_code == 404


# Queries ---------------------------------------------------------------------------------


def test_the_differences_cost_no_queries_however_many_answers_changed(
    reviewer_client, alice, reviewer, django_capture_on_commit_callbacks
):
    def count(offer):
        with CaptureQueriesContext(connection) as queries:
            assert page(reviewer_client, offer).status_code == 200
        return len(queries)

    unchanged = resubmitted(as_asked_to_change(submitted_offer(alice), reviewer), alice)
    changed = as_asked_to_change(submitted_offer(alice), reviewer)
    for slot in ("40x40", "90x90"):
        replace_logo(changed, slot, RED, django_capture_on_commit_callbacks)
    resubmitted(changed, alice, description_html="<p>New words.</p>", business_process="New.")

    # Both revisions' snapshots come in the one query that loads the current one; the
    # differences, the logos' addresses included, are worked out from them alone. 11: those
    # of a first revision's page, and one for the reasons of the decision in the history.
    assert (count(unchanged), count(changed)) == (11, 11)
