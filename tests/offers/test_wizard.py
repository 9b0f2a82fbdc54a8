"""The publisher's wizard through the test client: every step saved at once, resumable."""

import os

import pytest
from django.db import connection
from django.forms.renderers import DjangoTemplates
from django.test import Client
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL.PngImagePlugin import PngImageFile

from offers import services, views, workflow
from offers.models import Offer, OfferStatus
from offers.renderers import FormRenderer
from organisations.models import Organisation
from tests.factories import OfferFactory, png_upload
from tests.wizard_data import BUSINESS, MARKETING, PUBLISHER, TECHNICAL, post_step, step_url

pytestmark = pytest.mark.django_db


def logo_files(sizes=((40, 40), (90, 90), (115, 115), (255, 115))):
    return {f"marketing-logo_{w}x{h}": png_upload(w, h) for w, h in sizes}


def test_the_whole_wizard_creates_and_submits_an_offer(client, newcomer):
    client.force_login(newcomer)

    response = client.post(reverse("offers:new"), PUBLISHER)
    offer = Offer.objects.get(created_by=newcomer)
    assert response.status_code == 302
    assert response["Location"] == step_url(offer, "technical")
    assert offer.organisation.mpn_id == "4512345"
    assert list(offer.organisation.memberships.values_list("user", "role")) == [
        (newcomer.pk, "owner")
    ]

    assert post_step(client, offer, "technical", TECHNICAL)["Location"] == step_url(
        offer, "business"
    )
    assert post_step(client, offer, "business", BUSINESS)["Location"] == step_url(
        offer, "marketing"
    )
    response = post_step(client, offer, "marketing", MARKETING, logo_files())
    assert response["Location"] == step_url(offer, "review")

    response = post_step(client, offer, "review", {})

    offer.refresh_from_db()
    assert response["Location"] == reverse("offers:detail", kwargs={"pk": offer.pk})
    assert offer.status == OfferStatus.SUBMITTED
    assert offer.requirements_version == "2018-12"
    assert offer.description_html == "<p>Plans <b>routes</b>.</p>alert(1)"
    assert offer.integrations == ["power_bi", "flow"]
    assert sorted(offer.logos.values_list("slot", flat=True)) == [
        "115x115",
        "255x115",
        "40x40",
        "90x90",
    ]


def test_each_valid_step_is_in_the_database_before_the_next_one(alice_client, alice):
    offer = OfferFactory(owner=alice, app_name="", trial_type="", with_logos=False)

    post_step(alice_client, offer, "technical", {**TECHNICAL, "uptime_percent": "99.99"})

    offer.refresh_from_db()
    assert str(offer.uptime_percent) == "99.990"
    assert offer.trial_days == 30


def test_resuming_after_logout_opens_the_first_incomplete_step(client, alice, password):
    offer = OfferFactory(owner=alice, support_model="", with_logos=False)
    client.force_login(alice)
    client.post(reverse("account_logout"))

    client.post(reverse("account_login"), {"login": "alice@example.com", "password": password})
    response = client.get(reverse("offers:wizard_resume", kwargs={"pk": offer.pk}))

    assert response["Location"] == step_url(offer, "business")


def test_a_draft_continues_on_another_device(client, django_user_model, alice, password):
    offer = OfferFactory(owner=alice, app_name="", with_logos=False)
    laptop = client
    laptop.force_login(alice)
    post_step(laptop, offer, "business", BUSINESS)

    phone = Client()
    phone.post(reverse("account_login"), {"login": "alice@example.com", "password": password})
    response = phone.get(step_url(offer, "marketing"))

    assert response.status_code == 200
    assert response.context["form"]["app_name"].value() in ("", None)
    assert phone.get(step_url(offer, "business")).context["form"]["support_model"].value() == (
        "community"
    )


def test_an_invalid_step_keeps_what_was_typed_and_names_each_wrong_field(alice_client, alice):
    offer = OfferFactory(owner=alice, with_logos=False)
    data = {**TECHNICAL, "uptime_percent": "99.5", "aad_application_id": "abc"}

    response = post_step(alice_client, offer, "technical", data)

    form = response.context["form"]
    assert response.status_code == 200
    assert form.errors == {
        "aad_application_id": [
            "Enter the application (client) ID as a GUID: 32 hexadecimal digits in groups of "
            "8-4-4-4-12, as the Azure portal shows it."
        ],
        "uptime_percent": ["The marketplace requires an uptime of at least 99.9%."],
    }
    assert form["business_process"].value() == "Route planning for field engineers."
    assert form["support_url"].value() == "https://alice.example/support"
    offer.refresh_from_db()
    assert str(offer.uptime_percent) == "99.950"  # the stored draft is untouched


def test_accepted_logos_are_kept_when_another_field_fails(alice_client, alice):
    offer = OfferFactory(owner=alice, with_logos=False)
    files = logo_files()
    files["marketing-logo_90x90"] = png_upload(91, 90)

    response = post_step(alice_client, offer, "marketing", {**MARKETING, "app_name": ""}, files)

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "app_name": ["Fill in “Official app name”."],
        "logo_90x90": ["This logo is 91 × 90 pixels; the 90 × 90 slot needs exactly 90 × 90."],
    }
    assert sorted(offer.logos.values_list("slot", flat=True)) == ["115x115", "255x115", "40x40"]
    html = response.content.decode()
    assert html.count("Saved. Upload a new file only to replace it.") == 3
    assert 'value="https://alice.example/terms"' in html


def test_replacing_only_the_wrong_logo_completes_the_step(alice_client, alice):
    offer = OfferFactory(owner=alice, with_logos=False)
    files = logo_files()
    files["marketing-logo_90x90"] = png_upload(91, 90)
    post_step(alice_client, offer, "marketing", MARKETING, files)

    response = post_step(
        alice_client, offer, "marketing", MARKETING, {"marketing-logo_90x90": png_upload(90, 90)}
    )

    assert response["Location"] == step_url(offer, "review")
    assert offer.logos.count() == 4


def test_a_stored_logo_gets_a_random_name_never_the_clients(alice_client, alice):
    offer = OfferFactory(owner=alice, with_logos=False)
    files = logo_files()
    files["marketing-logo_40x40"] = png_upload(40, 40, name="../../etc/passwd.png")

    post_step(alice_client, offer, "marketing", MARKETING, files)

    name = offer.logos.get(slot="40x40").image.name
    assert name.startswith("logos/") and len(name) == len("logos/") + 32 + len(".png")
    assert "passwd" not in name


def test_replacing_a_logo_deletes_the_old_file(
    alice_client, alice, django_capture_on_commit_callbacks
):
    offer = OfferFactory(owner=alice)
    old = offer.logos.get(slot="40x40").image
    old_path = old.path

    with django_capture_on_commit_callbacks(execute=True):
        post_step(
            alice_client,
            offer,
            "marketing",
            MARKETING,
            {"marketing-logo_40x40": png_upload(40, 40)},
        )

    assert not os.path.exists(old_path)
    assert offer.logos.get(slot="40x40").image.name != old.name


def test_submit_is_refused_while_a_step_is_incomplete_and_leads_to_it(alice_client, alice):
    offer = OfferFactory(owner=alice, trial_type="", with_logos=False)

    response = post_step(alice_client, offer, "review", {})

    assert response["Location"] == step_url(offer, "technical")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DRAFT


def test_submit_without_logos_leads_to_the_marketing_step(alice_client, alice):
    offer = OfferFactory(owner=alice, with_logos=False)

    response = post_step(alice_client, offer, "review", {})

    assert response["Location"] == step_url(offer, "marketing")


def test_submit_with_incomplete_organisation_details_leads_to_the_first_step(alice_client, alice):
    offer = OfferFactory(owner=alice)
    Organisation.objects.filter(pk=offer.organisation_id).update(company_name="")

    response = post_step(alice_client, offer, "review", {})

    assert response["Location"] == step_url(offer, "publisher")


def test_submitting_records_an_audit_event(alice_client, draft, alice):
    post_step(alice_client, draft, "review", {})

    event = draft.events.get()
    assert (event.actor, event.from_status, event.to_status) == (alice, "draft", "submitted")


@pytest.mark.parametrize("step", ["publisher", "technical", "marketing", "review"])
def test_a_submitted_offer_is_read_only_for_its_publisher(alice_client, draft, step):
    post_step(alice_client, draft, "review", {})

    get = alice_client.get(step_url(draft, step))
    post = post_step(alice_client, draft, "technical", {**TECHNICAL, "uptime_percent": "100"})

    detail = reverse("offers:detail", kwargs={"pk": draft.pk})
    assert (get.status_code, get["Location"]) == (302, detail)
    assert (post.status_code, post["Location"]) == (302, detail)
    draft.refresh_from_db()
    assert str(draft.uptime_percent) == "99.950"


@pytest.mark.parametrize("step", ["publisher", "technical", "marketing", "review", "done"])
def test_another_publishers_offer_answers_404_on_every_step(client, bob, draft, step):
    client.force_login(bob)

    assert client.get(step_url(draft, step)).status_code == 404
    assert post_step(client, draft, "technical", TECHNICAL).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, draft):
    response = client.get(step_url(draft, "technical"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


def test_an_unknown_step_answers_404(alice_client, draft):
    assert alice_client.get(step_url(draft, "payment")).status_code == 404


def test_the_done_address_never_submits_on_a_get(alice_client, draft):
    response = alice_client.get(step_url(draft, "done"))

    assert response["Location"] == step_url(draft, "review")
    draft.refresh_from_db()
    assert draft.status == OfferStatus.DRAFT


def test_a_post_without_the_wizard_management_data_is_a_bad_request(alice_client, draft):
    response = alice_client.post(step_url(draft, "technical"), {"technical-uptime_percent": "1"})

    assert response.status_code == 400


def test_the_progress_indicator_marks_done_and_current_steps(alice_client, alice):
    offer = OfferFactory(owner=alice, with_logos=False)

    progress = alice_client.get(step_url(offer, "business")).context["progress"]

    assert [(p["name"], p["done"], p["current"]) for p in progress] == [
        ("publisher", True, False),
        ("technical", True, False),
        ("business", True, True),
        ("marketing", False, False),
        ("review", False, False),
    ]


def test_the_first_step_prefills_from_the_profile_and_fills_it_the_first_time(client, newcomer):
    client.force_login(newcomer)

    form = client.get(reverse("offers:new")).context["form"]

    assert form["microsoft_account"].value() == "new@example.com"
    assert not Offer.objects.exists()


def test_an_invalid_first_step_creates_no_draft(client, newcomer):
    client.force_login(newcomer)

    response = client.post(reverse("offers:new"), {**PUBLISHER, "mpn_id": "12ab"})

    assert response.context["form"].errors == {
        "mpn_id": ["An MPN ID contains digits only, such as 4512345; “12ab” has other characters."]
    }
    assert not Offer.objects.exists()


def test_editing_the_publisher_step_updates_the_organisation_for_all_offers(
    alice_client, alice, draft
):
    post_step(
        alice_client,
        draft,
        "publisher",
        {
            **PUBLISHER,
            "registration_type": "marketplace",
            "mpn_id": "",
            "marketplace_publisher_id": "alice-apps",
        },
    )

    organisation = Organisation.objects.get(pk=draft.organisation_id)
    assert (
        organisation.registration_type,
        organisation.mpn_id,
        organisation.marketplace_publisher_id,
    ) == ("marketplace", "", "alice-apps")


def test_the_preview_shows_the_sanitised_description_even_when_another_field_fails(
    alice_client, alice
):
    offer = OfferFactory(owner=alice, description_html="<p>Old text.</p>")
    data = {**MARKETING, "app_name": "", "description": "<h2>New</h2><script>x()</script>"}

    response = post_step(alice_client, offer, "marketing", data)

    html = response.content.decode()
    assert '<div class="preview__body"><h2>New</h2>x()</div>' in html
    assert "Old text." not in html


def test_a_post_naming_a_step_that_does_not_exist_is_a_bad_request(alice_client, draft):
    response = alice_client.post(
        step_url(draft, "technical"), {f"offer-{draft.pk}-current_step": "payment"}
    )

    assert response.status_code == 400


def test_walking_the_wizard_writes_nothing_to_the_session(alice_client, draft):
    before = dict(alice_client.session.items())

    alice_client.get(step_url(draft, "technical"))
    post_step(alice_client, draft, "technical", TECHNICAL)
    post_step(alice_client, draft, "marketing", MARKETING, logo_files())

    assert dict(alice_client.session.items()) == before


def test_the_progress_follows_each_saved_step_at_once(alice_client, alice):
    offer = OfferFactory(owner=alice, support_model="", with_logos=False)
    review = step_url(offer, "review")
    assert alice_client.get(review).context["missing"] == ["business", "marketing"]

    post_step(alice_client, offer, "business", BUSINESS)
    assert alice_client.get(review).context["missing"] == ["marketing"]

    post_step(alice_client, offer, "marketing", MARKETING, logo_files())
    assert alice_client.get(review).context["missing"] == []

    organisation = offer.organisation
    organisation.company_name = ""
    organisation.save()
    assert alice_client.get(review).context["missing"] == ["publisher"]


def test_a_kept_step_page_shows_a_change_at_once(alice_client, alice):
    offer = OfferFactory(owner=alice)
    page = step_url(offer, "technical")
    assert 'value="99.95"' in alice_client.get(page).content.decode()

    post_step(alice_client, offer, "technical", {**TECHNICAL, "uptime_percent": "99.99"})

    html = alice_client.get(page).content.decode()
    assert 'value="99.99"' in html
    assert 'value="99.95"' not in html


def test_a_step_with_errors_is_never_served_from_the_kept_page(alice_client, alice):
    offer = OfferFactory(owner=alice)
    alice_client.get(step_url(offer, "technical"))

    response = post_step(alice_client, offer, "technical", {**TECHNICAL, "uptime_percent": "50"})

    html = response.content.decode()
    assert "The marketplace requires an uptime of at least 99.9%." in html
    assert 'value="50"' in html


def test_a_kept_summary_follows_a_new_logo_and_the_submission(alice_client, alice):
    offer = OfferFactory(owner=alice)
    detail = reverse("offers:detail", kwargs={"pk": offer.pk})
    assert "Change technical requirements" in alice_client.get(detail).content.decode()
    logo_url = reverse("offers:logo", kwargs={"pk": offer.pk, "slot": "40x40"})
    old_logo = f"{logo_url}?v={offer.logos.get(slot='40x40').pk}"
    assert old_logo in alice_client.get(detail).content.decode()

    post_step(
        alice_client, offer, "marketing", MARKETING, {"marketing-logo_40x40": png_upload(40, 40)}
    )
    post_step(alice_client, offer, "review", {})

    html = alice_client.get(detail).content.decode()
    assert "Change technical requirements" not in html
    assert "Alice Route Planner" in html
    assert old_logo not in html
    assert f"{logo_url}?v={offer.logos.get(slot='40x40').pk}" in html


def test_a_step_saved_after_the_offer_was_submitted_elsewhere_is_refused_politely(
    alice_client, draft, monkeypatch
):

    def submitted_in_another_tab(offer, *args, **kwargs):
        raise workflow.NotEditable(offer.pk)

    monkeypatch.setattr(services, "save_step", submitted_in_another_tab)

    response = post_step(alice_client, draft, "technical", TECHNICAL)

    assert response.status_code == 302
    assert response["Location"] == reverse("offers:detail", kwargs={"pk": draft.pk})


@pytest.mark.parametrize(("step", "multipart"), [("technical", False), ("marketing", True)])
def test_only_the_step_with_logo_inputs_sends_multipart(alice_client, draft, step, multipart):
    html = alice_client.get(step_url(draft, step)).content.decode()

    assert ('enctype="multipart/form-data"' in html) is multipart


# What a step page costs ------------------------------------------------------------------


@pytest.mark.parametrize("step", ["publisher", "technical", "business", "marketing"])
def test_the_wizard_draws_its_widgets_as_django_templates_draw_them(alice_client, alice, step):
    offer = OfferFactory(owner=alice, with_logos=False)
    invalid = post_step(alice_client, offer, step, {"trial_type": "free_trial"})
    form = invalid.context["form"]
    django_form = type(form)(
        data=form.data,
        files=form.files,
        prefix=form.prefix,
        offer=offer,
        renderer=DjangoTemplates(),
    )

    assert isinstance(form.renderer, FormRenderer)
    assert form.errors and form.errors == django_form.errors
    # Jinja2 leaves out the blank lines the Django templates put inside a choice's label; the
    # rest is the same, attribute for attribute.
    for name in form.fields:
        assert parse_html(str(form[name])) == parse_html(str(django_form[name])), name


def test_a_step_page_reads_no_session_row(alice_client, alice):
    offer = OfferFactory(owner=alice, with_logos=False)

    with CaptureQueriesContext(connection) as queries:
        assert alice_client.get(step_url(offer, "technical")).status_code == 200

    assert [q["sql"] for q in queries if "django_session" in q["sql"]] == []


def test_a_saved_step_reads_the_persons_membership_with_the_offer(alice_client, alice):
    offer = OfferFactory(owner=alice, with_logos=False)

    with CaptureQueriesContext(connection) as queries:
        response = post_step(alice_client, offer, "technical", TECHNICAL)

    # It redirects, so no header lists the person's memberships: the one that lets them in
    # comes joined to the offer.
    assert response.status_code == 302
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
    assert not [sql for sql in reads if 'FROM "organisations_membership"' in sql]
    joined = [sql for sql in reads if 'FROM "offers_offer"' in sql and "membership" in sql]
    assert len(joined) == 1


def test_each_uploaded_logo_is_decoded_once_to_be_checked_and_copied(
    alice_client, alice, monkeypatch
):
    offer = OfferFactory(owner=alice, with_logos=False)
    decoded = []
    real_load = PngImageFile.load
    monkeypatch.setattr(
        PngImageFile, "load", lambda image: decoded.append(image) or real_load(image)
    )

    response = post_step(alice_client, offer, "marketing", MARKETING, logo_files())

    assert response.status_code == 302
    assert offer.logos.count() == 4
    # The form decodes each file to check it and makes the served copy from those pixels;
    # storing it decodes nothing again (Pillow may call load() more than once per image).
    assert len({id(image) for image in decoded}) == 4


def test_a_step_page_reverses_each_step_address_once(alice_client, alice, monkeypatch):
    offer = OfferFactory(owner=alice, with_logos=False)
    reversed_steps = []

    def counting_reverse(name, *args, kwargs=None, **rest):
        if name == "offers:wizard":
            reversed_steps.append(kwargs["step"])
        return reverse(name, *args, kwargs=kwargs, **rest)

    monkeypatch.setattr(views, "reverse", counting_reverse)

    assert alice_client.get(step_url(offer, "technical")).status_code == 200

    assert reversed_steps == ["business", "publisher", "technical", "marketing", "review"]


def test_replacing_four_logos_costs_one_insert_more_per_logo_than_replacing_one(
    alice_client, alice
):
    offer = OfferFactory(owner=alice)  # with its four logos stored

    def queries_to_replace(files):
        with CaptureQueriesContext(connection) as queries:
            response = post_step(alice_client, offer, "marketing", MARKETING, files)
        assert response.status_code == 302
        return len(queries)

    queries_to_replace({})  # the step's first save records its version: not compared
    one = queries_to_replace({"marketing-logo_90x90": png_upload(90, 90)})
    four = queries_to_replace(logo_files())

    # The replaced logos, the copies kept and the deletion are read and written once.
    assert four - one == 3
