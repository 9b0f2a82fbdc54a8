"""Pages around the wizard: My offers, an offer's page, its logos. Owners see; others get 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from offers import services
from offers.models import Offer, OfferStatus
from tests.factories import OfferFactory, png_bytes
from tests.wizard_data import MARKETING, post_step

pytestmark = pytest.mark.django_db


def test_home_page_explains_the_portal_and_links_to_sign_up_and_log_in(client):
    html = client.get(reverse("home")).content.decode()

    assert "Publish your Dynamics 365 for Customer Engagement app" in html
    assert f'href="{reverse("account_signup")}"' in html
    assert f'href="{reverse("account_login")}"' in html


def test_a_signed_in_publisher_always_has_my_offers_new_offer_and_log_out(alice_client):
    html = alice_client.get(reverse("home")).content.decode()

    assert f'<a href="{reverse("offers:list")}">My offers</a>' in html
    assert f'<a href="{reverse("offers:new")}">New offer</a>' in html
    assert ">Sign out</button>" in html


def test_my_offers_lists_only_my_own_offers_newest_first(alice_client, alice, bob):
    older = OfferFactory(owner=alice, app_name="Older")
    newer = OfferFactory(owner=alice, app_name="Newer")
    OfferFactory(owner=bob, app_name="Bob's")

    offers = [row.offer for row in alice_client.get(reverse("offers:list")).context["offers"]]

    assert offers == [newer, older]


def test_my_offers_links_a_draft_to_continue_and_a_submitted_offer_to_view(alice_client, alice):
    draft = OfferFactory(owner=alice, app_name="Draft one")
    sent = OfferFactory(owner=alice, app_name="Sent one")
    services.submit_offer(sent, actor=alice)

    html = alice_client.get(reverse("offers:list")).content.decode()

    assert f'href="{reverse("offers:wizard_resume", kwargs={"pk": draft.pk})}"' in html
    assert f'href="{reverse("offers:wizard_resume", kwargs={"pk": sent.pk})}"' not in html
    assert ">Submitted</span>" in html


def test_my_offers_shows_25_at_a_time_with_links_to_the_other_pages(alice_client, alice):
    OfferFactory.create_batch(27, owner=alice, with_logos=False)
    newest = [offer.pk for offer in Offer.objects.order_by("-updated_at", "-pk")]
    url = reverse("offers:list")

    first = alice_client.get(url)
    second = alice_client.get(url, {"page": 2})

    assert [row.offer.pk for row in first.context["offers"]] == newest[:25]
    assert [row.offer.pk for row in second.context["offers"]] == newest[25:]
    first_html, second_html = first.content.decode(), second.content.decode()
    assert '<nav class="pagination" aria-label="Pages of your offers">' in first_html
    assert "Page 1 of 2" in first_html and 'href="?page=2" rel="next"' in first_html
    assert "Page 2 of 2" in second_html and 'rel="prev"' in second_html


def test_my_offers_with_a_page_number_that_is_not_one_shows_a_page_not_an_error(
    alice_client, alice
):
    OfferFactory.create_batch(26, owner=alice, with_logos=False)
    url = reverse("offers:list")

    for wrong, shown in (("x", 1), ("-1", 2), ("99", 2), ("1.5", 1)):
        response = alice_client.get(url, {"page": wrong})
        assert (response.status_code, response.context["page"].number) == (200, shown), wrong


def test_my_offers_with_one_page_has_no_page_links(alice_client, alice):
    OfferFactory(owner=alice)

    assert 'class="pagination"' not in alice_client.get(reverse("offers:list")).content.decode()


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_my_offers_query_count_does_not_grow_with_offers(alice_client, alice):
    url = reverse("offers:list")
    OfferFactory(owner=alice)
    one = _count_queries(alice_client, url)
    OfferFactory.create_batch(29, owner=alice, with_logos=False)
    thirty = _count_queries(alice_client, url), _count_queries(alice_client, url + "?page=2")
    OfferFactory.create_batch(30, owner=alice, with_logos=False)
    sixty = _count_queries(alice_client, url), _count_queries(alice_client, url + "?page=2")

    # Past one page, the offers are counted for the page links: one query more, however many.
    assert thirty == sixty == (one + 1, one + 1)


@pytest.mark.parametrize("step", ["technical", "marketing", "review"])
def test_a_wizard_step_query_count_is_the_same_for_the_first_and_fifth_offer(
    alice_client, alice, step
):
    first = OfferFactory(owner=alice)
    first_count = _count_queries(
        alice_client, reverse("offers:wizard", kwargs={"pk": first.pk, "step": step})
    )
    *_others, fifth = OfferFactory.create_batch(4, owner=alice)

    fifth_count = _count_queries(
        alice_client, reverse("offers:wizard", kwargs={"pk": fifth.pk, "step": step})
    )

    assert fifth_count == first_count
    assert first_count <= 12


def test_the_offer_page_shows_a_drafts_remaining_steps(alice_client, alice):
    offer = OfferFactory(owner=alice, support_model="", with_logos=False)

    response = alice_client.get(reverse("offers:detail", kwargs={"pk": offer.pk}))

    assert response.context["missing"] == ["business", "marketing"]
    assert "This draft has 2 steps left to complete." in response.content.decode()


def test_the_offer_page_of_a_submitted_offer_shows_its_status_and_version(alice_client, draft):
    services.submit_offer(draft, actor=draft.created_by)

    html = alice_client.get(reverse("offers:detail", kwargs={"pk": draft.pk})).content.decode()

    assert draft.status == OfferStatus.SUBMITTED
    assert ">Submitted</span>" in html
    assert "under the requirements of 2018-12." in html
    assert "Change technical requirements" not in html


def test_the_published_description_is_shown_exactly_as_sanitised(alice_client, alice):
    offer = OfferFactory(owner=alice, description_html="<p>Plans <em>routes</em>.</p>")

    html = alice_client.get(reverse("offers:detail", kwargs={"pk": offer.pk})).content.decode()

    assert "<p>Plans <em>routes</em>.</p>" in html


def test_another_publishers_offer_page_answers_404(client, bob, draft):
    client.force_login(bob)

    assert client.get(reverse("offers:detail", kwargs={"pk": draft.pk})).status_code == 404


def test_a_logo_is_served_as_png_with_nosniff_to_its_owner(alice_client, draft):
    response = alice_client.get(reverse("offers:logo", kwargs={"pk": draft.pk, "slot": "40x40"}))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG\r\n\x1a\n")


def test_a_logo_reads_the_persons_membership_with_the_offer(alice_client, draft):
    url = reverse("offers:logo", kwargs={"pk": draft.pk, "slot": "40x40"})

    with CaptureQueriesContext(connection) as queries:
        assert alice_client.get(url).status_code == 200

    # An image draws no header listing the person's memberships: the person, the offer joined
    # with the membership that lets them see it, the logo.
    reads = [q["sql"] for q in queries]
    assert not [sql for sql in reads if 'FROM "organisations_membership"' in sql]
    assert len(reads) == 3


def test_another_publishers_logo_answers_404(client, bob, draft):
    client.force_login(bob)

    assert (
        client.get(reverse("offers:logo", kwargs={"pk": draft.pk, "slot": "40x40"})).status_code
        == 404
    )


def test_a_slot_without_a_logo_answers_404(alice_client, alice):
    offer = OfferFactory(owner=alice, with_logos=False)

    assert (
        alice_client.get(
            reverse("offers:logo", kwargs={"pk": offer.pk, "slot": "40x40"})
        ).status_code
        == 404
    )


def test_pages_ask_an_anonymous_visitor_to_log_in(client, draft):
    for url in (
        reverse("offers:list"),
        reverse("offers:new"),
        reverse("offers:detail", kwargs={"pk": draft.pk}),
        reverse("offers:logo", kwargs={"pk": draft.pk, "slot": "40x40"}),
    ):
        response = client.get(url)
        assert (response.status_code, response["Location"].split("?")[0]) == (
            302,
            reverse("account_login"),
        )


def test_only_the_re_encoded_copy_of_a_logo_is_ever_served(alice_client, alice):

    offer = OfferFactory(owner=alice, with_logos=False)
    upload = png_bytes(40, 40)
    iend = upload.rindex(b"IEND") + 8
    tainted = upload[:iend] + b"<script>alert(1)</script>"  # bytes after the image data

    files = {"marketing-logo_40x40": SimpleUploadedFile("l.png", tainted, "image/png")}
    post_step(alice_client, offer, "marketing", MARKETING, files)

    response = alice_client.get(reverse("offers:logo", kwargs={"pk": offer.pk, "slot": "40x40"}))
    served = b"".join(response.streaming_content)
    assert served.endswith(b"IEND\xaeB`\x82")
    assert b"<script>" not in served
    assert offer.logos.get(slot="40x40").image.read().endswith(b"</script>")
