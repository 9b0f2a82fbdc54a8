"""Members: an owner invites by e-mail with a role (a link that works once, until it expires),
changes roles and removes members; an organisation always keeps an owner; each member chooses
their e-mails. A removed member's next request answers 404."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from organisations import services
from organisations.models import Invitation, MemberRole, Membership
from tests.factories import PASSWORD, UserFactory, organisation_of, publisher

pytestmark = pytest.mark.django_db

MEMBERS_URL = reverse("organisations:members")
INVITE_URL = reverse("organisations:invite")


def invite(client, email="erin@example.com", role=MemberRole.MANAGER, **kwargs):
    return client.post(INVITE_URL, {"email": email, "role": role}, **kwargs)


def link_in(message):
    return re.search(r"http://\S+/organisation/join/\S+/", message.body).group(0)


def path_of(link):
    return link.removeprefix("http://127.0.0.1:8000")


def member_emails(organisation):
    return sorted(organisation.memberships.values_list("user__email", "role"))


@pytest.fixture
def invitation_link(alice, mailoutbox, django_capture_on_commit_callbacks):
    """Alice's invitation to erin@example.com as a manager, sent from her own browser."""
    owner = Client()
    owner.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        invite(owner)
    return path_of(link_in(mailoutbox[-1]))


# Inviting.


def test_an_owner_invites_by_e_mail_with_a_role(
    alice_client, alice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(alice_client, "Erin@Example.com", follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "An invitation was sent to erin@example.com."
    ]
    [message] = mailoutbox
    assert (message.to, message.subject) == (["erin@example.com"], "Join Alice Apps on Offer Desk")
    assert "alice@example.com invites you to join Alice Apps on Offer Desk as Manager." in (
        message.body
    )
    assert "The link works once, for 3\xa0days." in message.body
    token = link_in(message).rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "erin@example.com",
        MemberRole.MANAGER,
        alice,
    )
    assert token not in invitation.token_hash  # only its hash is kept
    assert "erin@example.com, as Manager" in response.content.decode()


def test_inviting_a_member_again_is_refused_next_to_the_address(alice_client, manager):
    response = invite(alice_client, "MIA@example.com")

    assert response.status_code == 200
    assert response.context["invite_form"].errors == {
        "email": ["mia@example.com is already a member of Alice Apps."]
    }
    assert 'value="MIA@example.com"' in response.content.decode()  # as typed
    assert not Invitation.objects.exists()


def test_a_new_invitation_to_the_same_address_replaces_the_old_link(
    alice_client, mailoutbox, django_capture_on_commit_callbacks, invitation_link
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(alice_client, role=MemberRole.VIEWER)
    client = Client()

    assert client.get(invitation_link).status_code == 404
    assert client.get(path_of(link_in(mailoutbox[-1]))).status_code == 200
    assert list(Invitation.objects.values_list("role", flat=True)) == [MemberRole.VIEWER]


@pytest.mark.parametrize("who", ["manager", "marketer", "viewer"])
def test_only_owners_invite(client, who, request):
    client.force_login(request.getfixturevalue(who))

    response = invite(client)

    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert "Send the invitation" not in client.get(MEMBERS_URL).content.decode()


# Joining.


def test_a_visitor_with_the_link_is_asked_to_sign_in_or_up(client, invitation_link):
    response = client.get(invitation_link)

    html = response.content.decode()
    assert "You are invited to join Alice Apps on Offer Desk as Manager" in html
    assert f'href="/accounts/signup/?next={invitation_link}"' in html
    assert f'href="/accounts/login/?next={invitation_link}"' in html


def test_signing_up_from_the_link_verifies_the_address_and_joins(client, alice, invitation_link):
    client.get(invitation_link)

    response = client.post(
        f"/accounts/signup/?next={invitation_link}",
        {"email": "erin@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response["Location"] == invitation_link  # no code to type: the link proved it
    joined = client.post(invitation_link, follow=True)

    assert joined.redirect_chain == [(reverse("offers:list"), 302)]
    assert [str(m) for m in joined.context["messages"]] == [
        "Successfully signed in as erin@example.com.",
        "You joined Alice Apps as Manager.",
    ]
    assert EmailAddress.objects.get(email="erin@example.com").verified is True
    assert member_emails(organisation_of(alice)) == [
        ("alice@example.com", "owner"),
        ("erin@example.com", "manager"),
    ]
    assert joined.context["current_membership"].organisation == organisation_of(alice)


def test_the_link_works_once(client, invitation_link):
    erin = UserFactory(email="erin@example.com")
    client.force_login(erin)
    client.post(invitation_link)

    again = client.get(invitation_link)

    assert again.status_code == 404
    assert "This invitation no longer works" in again.content.decode()


def test_an_expired_link_no_longer_works(client, invitation_link):
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(UserFactory(email="erin@example.com"))

    assert client.post(invitation_link).status_code == 404
    assert not Membership.objects.filter(user__email="erin@example.com").exists()


def test_someone_signed_in_with_another_address_cannot_use_the_link(client, bob, invitation_link):
    client.force_login(bob)

    page = client.get(invitation_link)
    posted = client.post(invitation_link)

    assert "This invitation was sent to erin@example.com, but you are signed in as " in (
        page.content.decode()
    )
    assert posted.status_code == 200
    assert not Membership.objects.filter(user=bob, organisation__company_name="Alice Apps")


def test_a_withdrawn_invitation_no_longer_works(alice_client, invitation_link):
    invitation = Invitation.objects.get()

    alice_client.post(reverse("organisations:revoke_invitation", args=[invitation.pk]))

    assert Client().get(invitation_link).status_code == 404


# Roles and removal.


def test_an_owner_changes_a_members_role(alice_client, alice, manager):
    member = Membership.objects.get(user=manager)

    response = alice_client.post(
        reverse("organisations:change_role", args=[member.pk]), {"role": "viewer"}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == ["mia@example.com is now Viewer."]
    assert Membership.objects.get(user=manager).role == MemberRole.VIEWER


def test_the_last_owner_cannot_be_demoted_or_leave(alice_client, alice):
    own = Membership.objects.get(user=alice)

    demoted = alice_client.post(
        reverse("organisations:change_role", args=[own.pk]), {"role": "manager"}, follow=True
    )
    left = alice_client.post(reverse("organisations:remove", args=[own.pk]), follow=True)

    refusal = "alice@example.com is the last owner: make someone else an owner first."
    assert [str(m) for m in demoted.context["messages"]] == [refusal]
    assert [str(m) for m in left.context["messages"]] == [refusal]
    assert Membership.objects.get(user=alice).role == MemberRole.OWNER


def test_with_a_second_owner_the_first_may_leave(alice_client, alice):
    organisation = organisation_of(alice)
    publisher("olga@example.com", organisation=organisation)
    own = Membership.objects.get(user=alice)

    response = alice_client.post(reverse("organisations:remove", args=[own.pk]))

    assert response["Location"] == reverse("offers:list")
    assert member_emails(organisation) == [("olga@example.com", "owner")]


def test_a_removed_member_gets_404_at_once(alice_client, manager, draft):
    client = Client()
    client.force_login(manager)
    detail = reverse("offers:detail", kwargs={"pk": draft.pk})
    assert client.get(detail).status_code == 200

    alice_client.post(
        reverse("organisations:remove", args=[Membership.objects.get(user=manager).pk])
    )

    assert client.get(detail).status_code == 404
    assert client.get(MEMBERS_URL).status_code == 404


def test_nobody_changes_the_members_of_another_organisation(client, bob, manager):
    client.force_login(bob)
    member = Membership.objects.get(user=manager)

    changed = client.post(reverse("organisations:change_role", args=[member.pk]), {"role": "owner"})
    removed = client.post(reverse("organisations:remove", args=[member.pk]))

    assert changed.status_code == removed.status_code == 404
    assert Membership.objects.get(user=manager).role == MemberRole.MANAGER


def test_two_owners_demoting_each_other_leave_one_owner(alice):
    olga = publisher("olga@example.com", organisation=organisation_of(alice))
    alices, olgas = Membership.objects.get(user=alice), Membership.objects.get(user=olga)

    services.change_role(alices, MemberRole.MANAGER)
    with pytest.raises(services.MembersRefused):
        services.change_role(olgas, MemberRole.MANAGER)

    assert Membership.objects.get(user=olga).role == MemberRole.OWNER


# E-mail choices.


def test_a_member_chooses_their_e_mails(client, viewer):
    client.force_login(viewer)

    client.post(reverse("organisations:email_choices"), {"email_decisions": "on"})

    member = Membership.objects.get(user=viewer)
    assert (member.email_receipts, member.email_checks_failed, member.email_decisions) == (
        False,
        False,
        True,
    )


# Queries.


@pytest.mark.parametrize("members", [1, 10])
def test_the_members_page_makes_the_same_queries_for_1_member_as_for_10(
    alice_client, alice, members, django_assert_num_queries
):
    organisation = organisation_of(alice)
    for n in range(members - 1):
        publisher(f"member{n}@example.com", organisation=organisation, role=MemberRole.VIEWER)
        services.invite(organisation, f"invitee{n}@example.com", "viewer", invited_by=alice)

    # The user, their organisations, the members, the invitations; the session comes from the
    # cache.
    with django_assert_num_queries(4):
        response = alice_client.get(MEMBERS_URL)

    assert len(response.context["members"]) == members
