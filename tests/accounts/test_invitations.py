"""An admin makes an account by e-mail; the person chooses a password through a link that works
once and expires; the admin can send it again."""

import re
import smtplib
from datetime import datetime, timedelta
from unittest import mock

import pytest
from allauth.account.forms import default_token_generator
from django.contrib import auth
from django.contrib.messages import get_messages
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import int_to_base36, urlsafe_base64_encode

from accounts import services
from accounts.models import Role, User
from accounts.tokens import InvitationTokenGenerator, invitation_token_generator
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/accounts/user/add/"
USERS_URL = "/admin/accounts/user/"
SITE = "https://desk.example.com"
NEW_PASSWORD = "Quartz-harbour-lantern-41"
THREE_DAYS = 3 * 24 * 60 * 60
LINK = re.compile(r"^https://desk\.example\.com(/accounts/invitation/[^/]+/[^/]+/)$", re.M)
GONE_HEADING = "<h1>This invitation link no longer works</h1>"
USED_HEADING = "<h1>This invitation was already used</h1>"


# The tokens' clock (naive local time, as Django's), frozen so that ages are exact.
SENT_AT = datetime(2026, 3, 2, 9, 0, 0)


@pytest.fixture(autouse=True)
def _site_and_clock(settings):
    settings.SITE_URL = SITE + "/"
    settings.INVITATION_TIMEOUT_SECONDS = THREE_DAYS
    with mock.patch.object(InvitationTokenGenerator, "_now", return_value=SENT_AT):
        yield


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def invite(admin_client, django_capture_on_commit_callbacks):
    """Post the admin's add form, run what waits for the commit, return the response."""

    def post(email="rita@example.com", role="reviewer"):
        with django_capture_on_commit_callbacks(execute=True):
            return admin_client.post(ADD_URL, {"email": email, "role": role, "_save": "Save"})

    return post


@pytest.fixture
def rita(admin_user, mailoutbox, django_capture_on_commit_callbacks):
    """An invited reviewer who has not chosen a password yet; her e-mail is in mailoutbox."""
    with django_capture_on_commit_callbacks(execute=True):
        return services.invite_user("rita@example.com", Role.REVIEWER, invited_by=admin_user)


def link_in(message):
    return LINK.search(message.body).group(1)


def in_the_future(seconds):
    moment = SENT_AT + timedelta(seconds=seconds)
    return mock.patch.object(InvitationTokenGenerator, "_now", return_value=moment)


def choose_password(client, link, password=NEW_PASSWORD):
    """Open the link as the invitee does (it moves the token into the session), then post."""
    form_url = client.get(link)["Location"]
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# The add form.


def test_the_add_form_asks_only_for_the_email_and_the_role_reviewer_first(admin_client):
    response = admin_client.get(ADD_URL)

    form = response.context["adminform"].form
    assert list(form.fields) == ["email", "role"]
    assert form["role"].value() == "reviewer"
    assert "They receive an e-mail with a link to choose their password" in response.text


def test_adding_an_account_saves_it_without_a_password_and_sends_the_invitation(invite, mailoutbox):
    response = invite("Rita@Example.com")

    rita = User.objects.get(email="rita@example.com")
    assert response["Location"] == f"{USERS_URL}{rita.pk}/change/"
    assert messages_of(response)[0] == (
        "An invitation was sent to rita@example.com. Its link works once, for 3\xa0days."
    )
    assert (rita.role, rita.is_staff, rita.is_active) == (Role.REVIEWER, False, True)
    assert rita.has_usable_password() is False
    [message] = mailoutbox
    assert message.to == ["rita@example.com"]
    assert message.subject == "Your invitation to Offer Desk"
    assert message.body == (
        "dave@example.com has made you an account on Offer Desk, with the role Reviewer. "
        "You sign in with this address: rita@example.com\n"
        "\n"
        "Choose your password here:\n"
        f"{SITE}{link_in(message)}\n"
        "\n"
        "The link works once, for 3\xa0days. If it has expired, ask an administrator to send "
        "a new invitation.\n"
    )


def test_the_invitation_names_the_admin_by_name_when_they_have_one(admin_user, invite, mailoutbox):
    admin_user.first_name, admin_user.last_name = "Dave", "Admin"
    admin_user.save()

    invite()

    assert mailoutbox[0].body.startswith("Dave Admin has made you an account on Offer Desk")


def test_the_invitation_e_mail_waits_for_the_commit(
    admin_client, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        admin_client.post(ADD_URL, {"email": "rita@example.com", "role": "reviewer"})

    assert len(callbacks) == 1
    assert mailoutbox == []


def test_an_admin_can_be_invited_and_is_staff_at_once(invite):
    invite("erin@example.com", role="admin")

    erin = User.objects.get(email="erin@example.com")
    assert (erin.role, erin.is_staff, erin.is_superuser) == (Role.ADMIN, True, True)


def test_an_address_already_in_use_is_refused_next_to_the_field(invite, alice, mailoutbox):
    response = invite("ALICE@example.com")

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "email": ["An account with this e-mail address already exists."]
    }
    assert User.objects.filter(email__iexact="alice@example.com").count() == 1
    assert mailoutbox == []


def test_a_mail_server_that_fails_leaves_the_account_and_no_error_page(invite, caplog):
    refused = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    with mock.patch("accounts.services.send_mail", side_effect=refused):
        response = invite()

    assert response.status_code == 302
    assert User.objects.get(email="rita@example.com").has_usable_password() is False
    assert [record.exc_info[1] for record in caplog.records if record.exc_info] == [refused]


# The link.


def test_the_link_opens_a_form_to_choose_a_password_without_the_token_in_the_address(
    rita, mailoutbox, client
):
    link = link_in(mailoutbox[0])
    uidb64 = link.split("/")[3]

    response = client.get(link)
    assert response["Location"] == f"/accounts/invitation/{uidb64}/set-password/"

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert list(page.context["form"].fields) == ["new_password1", "new_password2"]
    assert "You sign in to Offer Desk as rita@example.com." in page.text


def test_a_reviewer_who_chooses_a_password_is_signed_in_and_sent_to_the_review_queue(
    rita, mailoutbox, client
):
    response = choose_password(client, link_in(mailoutbox[0]))

    assert response["Location"] == "/review/"
    assert messages_of(response) == [
        "Your password is set. Welcome to Offer Desk.",
        "Successfully signed in as rita@example.com.",
    ]
    # The review queue waits for a second factor, as for every reviewer.
    assert client.get("/review/")["Location"] == "/accounts/2fa/totp/activate/"
    assert auth.get_user(client) == rita
    rita.refresh_from_db()
    assert rita.check_password(NEW_PASSWORD) is True


def test_an_invited_publisher_is_sent_to_their_offers(invite, mailoutbox, client):
    invite("paula@example.com", role="publisher")

    response = choose_password(client, link_in(mailoutbox[0]))

    assert response["Location"] == "/offers/"
    assert auth.get_user(client).email == "paula@example.com"


def test_the_invitee_signs_in_later_with_the_password_they_chose(rita, mailoutbox):
    choose_password(Client(), link_in(mailoutbox[0]))

    later = Client()
    response = later.post(
        "/accounts/login/", {"login": "rita@example.com", "password": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert auth.get_user(later) == rita


def test_a_weak_password_is_refused_next_to_the_field_and_the_link_still_works(
    rita, mailoutbox, client
):
    response = choose_password(client, link_in(mailoutbox[0]), password="password")

    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"] == ["This password is too common."]
    rita.refresh_from_db()
    assert rita.has_usable_password() is False
    assert choose_password(client, link_in(mailoutbox[0]))["Location"] == "/review/"


def test_the_link_works_once(rita, mailoutbox, client):
    link = link_in(mailoutbox[0])
    choose_password(client, link)
    client.post("/accounts/logout/")

    response = client.get(link)

    assert response.status_code == 200
    assert USED_HEADING in response.text
    assert (response.context["validlink"], response.context["form"]) == (False, None)
    rita.refresh_from_db()
    assert rita.check_password(NEW_PASSWORD) is True


def test_a_form_opened_in_another_tab_cannot_set_the_password_a_second_time(rita, mailoutbox):
    link = link_in(mailoutbox[0])
    first_tab, second_tab = Client(), Client()
    second_form = second_tab.get(link)["Location"]
    choose_password(first_tab, link)

    response = second_tab.post(
        second_form, {"new_password1": "Other-pass-word-77", "new_password2": "Other-pass-word-77"}
    )

    assert response.status_code == 200
    assert USED_HEADING in response.text
    rita.refresh_from_db()
    assert rita.check_password(NEW_PASSWORD) is True


def test_the_service_refuses_a_token_used_a_moment_ago(rita):
    token = invitation_token_generator.make_token(rita)
    services.accept_invitation(rita, token, NEW_PASSWORD)

    with pytest.raises(services.InvitationInvalid):
        services.accept_invitation(rita, token, "Other-pass-word-77")
    rita.refresh_from_db()
    assert rita.check_password(NEW_PASSWORD) is True


def test_accepting_keeps_the_page_language_for_the_e_mails(rita):
    token = invitation_token_generator.make_token(rita)

    services.accept_invitation(rita, token, NEW_PASSWORD, language="nl")

    rita.refresh_from_db()
    assert rita.language == "nl"


@pytest.mark.parametrize(("age", "works"), [(THREE_DAYS, True), (THREE_DAYS + 1, False)])
def test_the_link_works_for_three_days(rita, mailoutbox, client, age, works):
    with in_the_future(age):
        response = client.get(link_in(mailoutbox[0]))

    assert (response.status_code, GONE_HEADING in response.text) == (
        (302, False) if works else (200, True)
    )


def test_an_expired_link_says_how_long_links_last_and_whom_to_ask(rita, mailoutbox, client):
    with in_the_future(THREE_DAYS + 1):
        response = client.get(link_in(mailoutbox[0]))

    assert response.status_code == 200
    assert GONE_HEADING in response.text
    assert (
        "An invitation link works for 3\xa0days, and only the newest one sent to you works. "
        "Ask an administrator to send you a new invitation." in response.text
    )
    rita.refresh_from_db()
    assert rita.has_usable_password() is False


def test_the_lifetime_comes_from_the_setting(settings, rita, mailoutbox, client):
    settings.INVITATION_TIMEOUT_SECONDS = 60 * 60
    link = link_in(mailoutbox[0])

    with in_the_future(60 * 60 + 1):
        assert GONE_HEADING in client.get(link).text
    with in_the_future(60 * 60):
        assert client.get(link).status_code == 302


def test_a_link_that_expires_while_the_form_is_open_sets_no_password(rita, mailoutbox, client):
    form_url = client.get(link_in(mailoutbox[0]))["Location"]

    with in_the_future(THREE_DAYS + 1):
        response = client.post(
            form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )

    assert GONE_HEADING in response.text
    assert auth.get_user(client).is_authenticated is False
    rita.refresh_from_db()
    assert rita.has_usable_password() is False


def test_a_deactivated_invitee_s_link_no_longer_works(rita, mailoutbox, client):
    rita.is_active = False
    rita.save()

    response = client.get(link_in(mailoutbox[0]))

    assert response.status_code == 200
    assert GONE_HEADING in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/invitation/not-base64/1-abc/",
        "/accounts/invitation/OTk5OTk5/cc1xyz-0123456789abcdef/",
        "/accounts/invitation/{uidb64}/garbage/",
        "/accounts/invitation/{uidb64}/zzzzzzzzzzzzzzzzzzzzzz-1/",
        "/accounts/invitation/{uidb64}/set-password/",
    ],
)
def test_a_broken_or_guessed_link_shows_the_page_not_an_error(rita, client, path):
    uidb64 = urlsafe_base64_encode(force_bytes(rita.pk))

    response = client.get(path.format(uidb64=uidb64))

    assert response.status_code == 200
    assert GONE_HEADING in response.text


def test_a_password_reset_token_does_not_open_an_invitation(rita, client):
    uidb64 = urlsafe_base64_encode(force_bytes(rita.pk))
    reset_token = default_token_generator.make_token(rita)

    response = client.get(f"/accounts/invitation/{uidb64}/{reset_token}/")

    assert response.status_code == 200
    assert GONE_HEADING in response.text


def test_an_invitation_token_does_not_reset_a_password(rita, mailoutbox, client):
    link = link_in(mailoutbox[0])

    invitation_token = link.rstrip("/").rsplit("/", 1)[1]
    reset_url = f"/accounts/password/reset/key/{int_to_base36(rita.pk)}-{invitation_token}/"

    response = client.get(reset_url, follow=True)

    assert response.status_code == 200
    assert response.context["token_fail"] is True
    assert rita.has_usable_password() is False


def test_the_link_points_at_the_site_address(rita, mailoutbox):
    assert f"\n{SITE}/accounts/invitation/" in mailoutbox[0].body


# Sending it again.


def reinvite(client, *users):
    return client.post(
        USERS_URL,
        {"action": "reinvite", "_selected_action": [user.pk for user in users], "index": "0"},
    )


def test_sending_again_mails_a_new_link_and_the_old_one_stops_working(
    admin_client, rita, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = reinvite(admin_client, rita)

    assert messages_of(response) == [
        "Invitation sent again to 1 account; earlier links no longer work."
    ]
    first, second = mailoutbox
    assert second.to == ["rita@example.com"]
    assert link_in(first) != link_in(second)
    visitor = Client()
    assert GONE_HEADING in visitor.get(link_in(first)).text
    assert choose_password(visitor, link_in(second))["Location"] == "/review/"


def test_sending_again_skips_accounts_with_a_password_and_inactive_ones(
    admin_client, rita, alice, mailoutbox, django_capture_on_commit_callbacks
):
    gone = services.invite_user("gone@example.com", invited_by=rita)
    User.objects.filter(pk=gone.pk).update(is_active=False)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = reinvite(admin_client, rita, alice, gone)

    assert messages_of(response) == [
        "Invitation sent again to 1 account; earlier links no longer work.",
        "2 accounts skipped: only active accounts without a password can be invited.",
    ]
    assert [message.to for message in mailoutbox] == [["rita@example.com"]]
    alice.refresh_from_db()
    assert alice.has_usable_password() is True


def test_sending_again_never_undoes_a_password_chosen_a_moment_ago(rita, mailoutbox, admin_user):
    seen_by_the_admin = User.objects.get(pk=rita.pk)
    choose_password(Client(), link_in(mailoutbox[0]))

    assert services.reinvite([seen_by_the_admin], invited_by=admin_user) == []
    rita.refresh_from_db()
    assert rita.check_password(NEW_PASSWORD) is True


def test_the_user_list_shows_who_has_not_chosen_a_password_yet(admin_client, rita, alice):
    response = admin_client.get(USERS_URL)

    model_admin = response.context["cl"].model_admin
    assert {
        user.email: model_admin.has_password(user) for user in response.context["cl"].result_list
    } == {"alice@example.com": True, "dave@example.com": True, "rita@example.com": False}


# Reviewers and publishers cannot invite.


@pytest.mark.parametrize("who", ["reviewer", "alice"])
def test_a_reviewer_or_publisher_cannot_invite_anyone(
    client, who, request, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(request.getfixturevalue(who))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ADD_URL, {"email": "mole@example.com", "role": "admin"})

    assert response.status_code == 403
    assert User.objects.filter(email="mole@example.com").exists() is False
    assert mailoutbox == []


def test_a_reviewer_cannot_send_an_invitation_again(
    client, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    invited = UserFactory(email="waiting@example.com", password=None)
    client.force_login(reviewer)

    with django_capture_on_commit_callbacks(execute=True):
        response = reinvite(client, invited)

    assert response.status_code == 403
    assert mailoutbox == []
