"""Two members saving the same step of one draft: the second save is refused, naming who saved
and when, with the second person's input kept on the page and the other's answers beside it;
saving again then keeps theirs. No lock is held between requests: each page carries the step's
version."""

import pytest
from django.test import Client
from django.urls import reverse

from offers import services
from offers.models import Offer, StepEdit
from organisations.models import Membership, Organisation
from organisations.services import SavedMeanwhile
from tests.wizard_data import PUBLISHER, TECHNICAL, post_step, step_url

pytestmark = pytest.mark.django_db


def version_on_page(client, offer, step):
    return client.get(step_url(offer, step)).context["step_version"]


@pytest.fixture
def two_members(alice, manager):
    first, second = Client(), Client()
    first.force_login(alice)
    second.force_login(manager)
    return first, second


def test_each_save_moves_the_version_on_and_keeps_who_saved(alice_client, alice, draft):
    assert version_on_page(alice_client, draft, "technical") == 0

    post_step(alice_client, draft, "technical", version=0)

    edit = StepEdit.objects.get(offer=draft, step="technical")
    assert (edit.version, edit.changed_by) == (1, alice)
    assert version_on_page(alice_client, draft, "technical") == 1


def test_the_second_of_two_saves_is_refused_naming_who_saved_and_keeping_the_input(
    two_members, draft
):
    alice, mia = two_members
    seen = version_on_page(mia, draft, "technical")
    post_step(alice, draft, "technical", {**TECHNICAL, "uptime_percent": "99.99"}, version=seen)

    response = post_step(
        mia,
        draft,
        "technical",
        {**TECHNICAL, "uptime_percent": "99.95", "trial_days": "14"},
        version=seen,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "alice@example.com saved these answers at " in html
    assert "Your answers below are not saved yet; theirs are listed here." in html
    assert ("Uptime commitment", "99.990") in response.context["conflict"]["values"]
    assert 'value="14"' in html  # Mia's input is kept
    assert response.context["step_version"] == 1
    offer = Offer.objects.get(pk=draft.pk)
    assert (str(offer.uptime_percent), offer.trial_days) == ("99.990", 30)


def test_saving_again_after_the_refusal_keeps_the_second_persons_answers(two_members, draft):
    alice, mia = two_members
    post_step(alice, draft, "technical", {**TECHNICAL, "uptime_percent": "99.99"}, version=0)
    refused = post_step(mia, draft, "technical", {**TECHNICAL, "trial_days": "14"}, version=0)

    again = post_step(
        mia,
        draft,
        "technical",
        {**TECHNICAL, "trial_days": "14"},
        version=refused.context["step_version"],
    )

    assert again["Location"] == step_url(draft, "business")
    assert Offer.objects.get(pk=draft.pk).trial_days == 14


def test_saves_of_different_steps_do_not_conflict(two_members, draft):
    alice, mia = two_members

    post_step(alice, draft, "technical", version=0)
    response = post_step(mia, draft, "business", version=0)

    assert response["Location"] == step_url(draft, "marketing")


def test_a_second_tab_of_the_same_person_is_told_it_was_them(alice_client, draft):
    post_step(alice_client, draft, "technical", version=0)

    response = post_step(alice_client, draft, "technical", version=0)

    assert "You saved these answers in another tab or window at " in response.content.decode()


def test_the_first_step_and_the_organisations_page_share_the_details_version(two_members, draft):
    alice, mia = two_members
    Membership.objects.filter(user__email="mia@example.com").update(role="owner")
    seen = version_on_page(mia, draft, "publisher")
    alice.post(
        reverse("organisations:detail"),
        {**PUBLISHER, "company_name": "Alice Apps BV", "version": seen},
    )

    response = post_step(mia, draft, "publisher", {**PUBLISHER, "mpn_id": "7654321"}, version=seen)

    assert ("Company name", "Alice Apps BV") in response.context["conflict"]["values"]
    organisation = Organisation.objects.get(pk=draft.organisation_id)
    assert (organisation.company_name, organisation.mpn_id, organisation.version) == (
        "Alice Apps BV",
        "4512345",
        1,
    )


def test_the_organisations_page_refuses_a_stale_save_and_keeps_the_input(two_members, alice):
    alice_browser, mia = two_members
    Membership.objects.filter(user__email="mia@example.com").update(role="owner")
    url = reverse("organisations:detail")
    seen = mia.get(url).context["version"]
    alice_browser.post(url, {**PUBLISHER, "company_name": "Alice Apps BV", "version": seen})

    response = mia.post(url, {**PUBLISHER, "company_name": "Alice Apps Group", "version": seen})

    assert response.status_code == 200
    assert "alice@example.com saved these answers at " in response.content.decode()
    assert 'value="Alice Apps Group"' in response.content.decode()
    assert response.context["version"] == 1
    again = mia.post(url, {**PUBLISHER, "company_name": "Alice Apps Group", "version": 1})
    assert again["Location"] == url
    assert Organisation.objects.get(memberships__user=alice).company_name == "Alice Apps Group"


def test_a_conflict_on_the_organisation_step_lists_the_stored_details(alice_client, draft):
    post_step(alice_client, draft, "publisher", version=0)

    response = post_step(
        alice_client, draft, "publisher", {**PUBLISHER, "company_name": "Renamed"}, version=0
    )

    assert ("Company name", "Alice Apps") in response.context["conflict"]["values"]
    assert Organisation.objects.get(pk=draft.organisation_id).company_name == "Alice Apps"


def test_the_service_refuses_a_stale_version_and_saves_nothing(draft, alice, manager):
    services.save_step(
        draft,
        "business",
        {
            "own_ordering_and_billing": True,
            "support_model": "free",
            "licensing_responsibility": True,
        },
        user=alice,
        seen_version=0,
    )

    with pytest.raises(SavedMeanwhile) as conflict:
        services.save_step(
            draft,
            "business",
            {
                "own_ordering_and_billing": True,
                "support_model": "paid",
                "licensing_responsibility": True,
            },
            user=manager,
            seen_version=0,
        )

    assert (conflict.value.changed_by, conflict.value.version) == (alice, 1)
    assert Offer.objects.get(pk=draft.pk).support_model == "free"


def test_submitting_stores_no_version_for_the_review_step(alice_client, draft):
    post_step(alice_client, draft, "technical", version=0)

    post_step(alice_client, draft, "review", {})

    assert list(StepEdit.objects.values_list("step", "version")) == [("technical", 1)]
    assert Offer.objects.get(pk=draft.pk).status == "submitted"


def test_a_step_page_reads_the_steps_version_with_the_offer(
    alice_client, draft, django_assert_num_queries
):
    post_step(alice_client, draft, "technical", version=0)
    offer = services.with_step_version(Offer.objects, "technical").get(pk=draft.pk)

    with django_assert_num_queries(0):
        assert services.step_version(offer, "technical") == 1
    # Another step's version was not read with it: that one is asked for.
    with django_assert_num_queries(1):
        assert services.step_version(offer, "business") == 0
