"""What each role of an organisation may do with its drafts, step by step: owners and managers
change every step (owners alone the organisation's details), marketers only the marketing step,
viewers nothing. A step a member may not change opens read-only, and posting it answers 403
with a sentence that names their role. Outsiders and removed members get 404."""

import pytest
from django.urls import reverse

from offers.models import Offer, OfferStatus
from organisations.models import Membership
from tests.wizard_data import post_step, step_url

pytestmark = pytest.mark.django_db

CHANGES = True
READS = False
# step -> whether the owner, the manager, the marketer and the viewer may change it.
STEPS = {
    "publisher": (CHANGES, READS, READS, READS),
    "technical": (CHANGES, CHANGES, READS, READS),
    "business": (CHANGES, CHANGES, READS, READS),
    "marketing": (CHANGES, CHANGES, CHANGES, READS),
    "review": (CHANGES, CHANGES, READS, READS),
}
ROLES = ("alice", "manager", "marketer", "viewer")
CASES = [
    pytest.param(step, who, rights[index], id=f"{step}-{who}")
    for step, rights in STEPS.items()
    for index, who in enumerate(ROLES)
]


@pytest.mark.parametrize(("step", "who", "changes"), CASES)
def test_each_role_changes_the_steps_the_table_says_and_reads_the_others(
    client, draft, step, who, changes, request
):
    client.force_login(request.getfixturevalue(who))

    page = client.get(step_url(draft, step))
    posted = post_step(client, draft, step)

    assert page.status_code == 200
    fields = page.context["form"].fields.values()
    assert {field.disabled for field in fields} <= {not changes}
    assert (page.context["read_only_note"] is None) is changes
    assert posted.status_code == (302 if changes else 403)


def test_a_marketer_reads_the_technical_step_with_a_note_naming_their_role(client, draft, marketer):
    client.force_login(marketer)

    html = client.get(step_url(draft, "technical")).content.decode()

    note = (
        "Your role in Alice Apps is Marketer: you can read this but not change it. An owner "
        "can give you another role."
    )
    assert f'<p class="callout" role="status">{note}</p>' in html
    assert "Save and continue" not in html
    assert f'<a class="button" href="{step_url(draft, "business")}">Next step</a>' in html


def test_a_viewer_posting_a_step_gets_403_saying_why_and_nothing_changes(client, draft, viewer):
    client.force_login(viewer)

    response = post_step(client, draft, "technical", {"uptime_percent": "99.0"})

    assert response.status_code == 403
    assert (
        "Your role in Alice Apps is Viewer: you can read this but not change it."
        in response.content.decode()
    )
    draft.refresh_from_db()
    assert str(draft.uptime_percent) == "99.950"


def test_a_marketer_cannot_submit_and_is_told_who_can(client, draft, marketer):
    client.force_login(marketer)

    response = post_step(client, draft, "review", {})

    assert response.status_code == 403
    assert (
        "Only owners and managers of Alice Apps submit and withdraw offers; your role there "
        "is Marketer." in response.content.decode()
    )
    assert Offer.objects.get(pk=draft.pk).status == OfferStatus.DRAFT


def test_a_manager_continues_the_owners_draft_and_submits_it(client, draft, manager, alice):
    client.force_login(manager)

    post_step(client, draft, "technical")
    response = post_step(client, draft, "review", {})

    assert response["Location"] == reverse("offers:detail", kwargs={"pk": draft.pk})
    event = draft.events.get()
    assert (event.actor, event.to_status) == (manager, OfferStatus.SUBMITTED)
    assert Offer.objects.get(pk=draft.pk).created_by == alice


def test_a_manager_starts_a_draft_in_the_organisation_without_changing_its_details(
    client, alice, manager
):
    client.force_login(manager)

    page = client.get(reverse("offers:new"))
    response = client.post(reverse("offers:new"), {"company_name": "Renamed"})

    offer = Offer.objects.get(created_by=manager)
    assert all(field.disabled for field in page.context["form"].fields.values())
    html = page.content.decode()
    assert "Only owners of Alice Apps manage its members and its details" in html
    assert '<button type="submit" class="button">Save and continue</button>' in html
    assert response["Location"] == step_url(offer, "technical")
    assert offer.organisation.memberships.get(user=alice).role == "owner"
    assert offer.organisation.company_name == "Alice Apps"


@pytest.mark.parametrize("who", ["marketer", "viewer"])
def test_marketers_and_viewers_start_no_drafts(client, alice, who, request):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("offers:new"))

    assert response.status_code == 403
    assert "New offer" not in client.get(reverse("offers:list")).content.decode()


@pytest.mark.parametrize("who", ["manager", "viewer"])
def test_every_member_sees_the_organisations_offers(client, draft, who, request):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("offers:list"))

    assert [row.offer for row in response.context["offers"]] == [draft]
    assert "The offers of Alice Apps, where your role is" in response.content.decode()


def test_a_removed_member_gets_404_on_their_next_request(client, draft, manager):
    client.force_login(manager)
    assert client.get(step_url(draft, "technical")).status_code == 200

    Membership.objects.filter(user=manager).delete()

    assert client.get(step_url(draft, "technical")).status_code == 404
    assert client.get(reverse("offers:detail", kwargs={"pk": draft.pk})).status_code == 404
    assert list(client.get(reverse("offers:list")).context["offers"]) == []
