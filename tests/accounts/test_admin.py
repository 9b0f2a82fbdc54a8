"""The first administrator, and the Django admin's user list: columns, search, actions, roles,
and sessions that end with the account. (Invitations: test_invitations.py.)"""

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib import auth
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Role, User
from tests.factories import MembershipFactory, UserFactory, give_two_factor, organisation_of
from tests.signing_in import SECOND_FACTOR_URL, sign_in

pytestmark = pytest.mark.django_db

USERS_URL = "/admin/accounts/user/"
ADMIN_PASSWORD = "Granite-meadow-falcon-88"


def change_url(user):
    return f"{USERS_URL}{user.pk}/change/"


@pytest.fixture
def root(db):
    return give_two_factor(User.objects.create_superuser("root@example.com", ADMIN_PASSWORD))


@pytest.fixture
def admin_client(client, root):
    client.force_login(root)
    return client


@pytest.fixture
def reviewer(db):
    return UserFactory(email="rita@example.com", role=Role.REVIEWER)


def emails_listed(response):
    return [user.email for user in response.context["cl"].result_list]


# The first administrator, made on the command line.


def test_createsuperuser_without_prompts_makes_an_admin_from_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "Root@Example.COM")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", ADMIN_PASSWORD)

    call_command("createsuperuser", "--noinput", verbosity=0)

    user = User.objects.get()
    assert user.email == "root@example.com"
    assert (user.role, user.is_staff, user.is_superuser, user.is_active) == (
        Role.ADMIN,
        True,
        True,
        True,
    )
    assert user.check_password(ADMIN_PASSWORD)


def test_the_superuser_from_the_command_line_logs_in_and_reaches_the_admin(client, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "root@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", ADMIN_PASSWORD)
    call_command("createsuperuser", "--noinput", verbosity=0)

    response = client.post(
        "/accounts/login/", {"login": "root@example.com", "password": ADMIN_PASSWORD}
    )
    assert response["Location"] == "/offers/"

    # The admin waits until the first administrator has set up an authenticator app, which
    # (as every change to how an account signs in) asks for the password once more.
    assert client.get(USERS_URL)["Location"] == "/accounts/2fa/totp/activate/"
    response = client.get("/accounts/2fa/totp/activate/")
    assert (
        response["Location"]
        == "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
    )
    response = client.post(response["Location"], {"password": ADMIN_PASSWORD})
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    secret = client.get("/accounts/2fa/totp/activate/").context["form"].secret
    response = client.post("/accounts/2fa/totp/activate/", {"code": pyotp.TOTP(secret).now()})
    assert response["Location"] == "/accounts/2fa/recovery-codes/"
    assert client.get(USERS_URL).status_code == 200


def test_createsuperuser_refuses_an_address_already_in_use_in_any_case(alice, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "ALICE@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", ADMIN_PASSWORD)

    with pytest.raises(CommandError, match="^Error: That e-mail address is already taken.$"):
        call_command("createsuperuser", "--noinput", verbosity=0)
    assert User.objects.get().role == Role.PUBLISHER


def test_createsuperuser_without_prompts_needs_an_email_address(monkeypatch):
    monkeypatch.delenv("DJANGO_SUPERUSER_EMAIL", raising=False)

    with pytest.raises(CommandError, match="^You must use --email with --noinput.$"):
        call_command("createsuperuser", "--noinput", verbosity=0)
    assert User.objects.exists() is False


def test_createsuperuser_without_a_password_leaves_one_that_cannot_log_in(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "root@example.com")
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)

    call_command("createsuperuser", "--noinput", verbosity=0)

    assert User.objects.get().has_usable_password() is False


# Who reaches the admin.


def test_an_admin_sees_the_user_list(admin_client):
    assert admin_client.get(USERS_URL).status_code == 200


@pytest.mark.parametrize("who", ["alice", "reviewer"])
@pytest.mark.parametrize("url", [USERS_URL, "/admin/", "/admin/login/"])
def test_a_signed_in_publisher_or_reviewer_gets_403_from_the_admin(client, who, url, request):
    client.force_login(request.getfixturevalue(who))

    assert client.get(url).status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_admin_login(client):
    assert client.get(USERS_URL)["Location"] == "/admin/login/?next=/admin/accounts/user/"


def test_the_admin_login_is_the_portal_login_with_its_throttling_and_second_factor(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_a_publisher_who_logs_in_for_the_admin_still_gets_403(client, alice, password):
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": "alice@example.com", "password": password}
    )

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 403


# The user list.


def test_the_user_list_shows_email_role_and_organisations(admin_client, alice, reviewer, newcomer):
    response = admin_client.get(USERS_URL)

    headers = [header["text"] for header in response.context["result_headers"][1:]]
    assert headers == [
        "e-mail address",
        "role",
        "organisations",
        "active",
        "password set",
        "second factor",
        "last login",
        "date joined",
    ]
    rows = {
        user.email: (
            user.get_role_display(),
            response.context["cl"].model_admin.organisations(user),
        )
        for user in response.context["cl"].result_list
    }
    assert rows == {
        "alice@example.com": ("Publisher", "Alice Apps"),
        "new@example.com": ("Publisher", "—"),
        "rita@example.com": ("Reviewer", "—"),
        "root@example.com": ("Admin", "—"),
    }
    html = response.content.decode()
    assert '<td class="field-role">Reviewer</td>' in html
    assert '<td class="field-organisations">Alice Apps</td>' in html


def test_the_user_list_is_ordered_by_email_address(admin_client, alice, bob, newcomer):
    assert emails_listed(admin_client.get(USERS_URL)) == [
        "alice@example.com",
        "bob@example.com",
        "new@example.com",
        "root@example.com",
    ]


@pytest.mark.parametrize(
    ("query", "emails"),
    [
        ("alice", ["alice@example.com"]),
        ("BOB@EXAMPLE", ["bob@example.com"]),
        ("Bob Software", ["bob@example.com"]),
        ("software", ["bob@example.com"]),
        ("apps", ["alice@example.com"]),
        ("example.com", ["alice@example.com", "bob@example.com", "root@example.com"]),
        ("contoso", []),
    ],
)
def test_search_finds_users_by_email_or_company_name(admin_client, alice, bob, query, emails):
    response = admin_client.get(USERS_URL, {"q": query})

    assert emails_listed(response) == emails


def test_the_list_can_be_filtered_by_role(admin_client, alice, reviewer):
    response = admin_client.get(USERS_URL, {"role__exact": "reviewer"})

    assert emails_listed(response) == ["rita@example.com"]


def list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(USERS_URL)
    assert response.status_code == 200
    return len(queries)


def test_the_user_list_makes_the_same_queries_for_1_user_as_for_20(admin_client):
    only_the_admin = list_queries(admin_client)
    MembershipFactory.create_batch(10)
    UserFactory.create_batch(9)
    twenty_users = list_queries(admin_client)

    assert User.objects.count() == 20
    # The signed-in admin, whether they have a second factor, two counts, one page of users and
    # their organisations; the session comes from the cache.
    assert only_the_admin == twenty_users == 6


# Actions.


def deactivate(client, *users):
    return client.post(
        USERS_URL,
        {"action": "deactivate", "_selected_action": [user.pk for user in users], "index": "0"},
    )


def test_the_deactivate_action_deactivates_the_selected_accounts(admin_client, alice, bob):
    response = deactivate(admin_client, alice)

    assert response["Location"] == USERS_URL
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["1 account deactivated."]
    assert dict(User.objects.values_list("email", "is_active")) == {
        "alice@example.com": False,
        "bob@example.com": True,
        "root@example.com": True,
    }


def test_the_deactivate_action_never_deactivates_the_acting_admin(admin_client, root, alice, bob):
    response = deactivate(admin_client, root, alice, bob)

    assert [str(m) for m in get_messages(response.wsgi_request)] == ["2 accounts deactivated."]
    root.refresh_from_db()
    assert root.is_active is True
    assert auth.get_user(admin_client) == root
    assert list(User.objects.filter(is_active=False).order_by("email")) == [alice, bob]


def test_a_deactivated_publisher_can_no_longer_log_in(admin_client, client, alice, password):
    deactivate(admin_client, alice)
    admin_client.post("/accounts/logout/")

    response = client.post("/accounts/login/", {"login": "alice@example.com", "password": password})

    assert response["Location"] == "/accounts/inactive/"
    assert auth.get_user(client).is_authenticated is False
    assert "This account is inactive." in client.get("/accounts/inactive/").content.decode()


def test_the_activate_action_activates_the_selected_accounts(admin_client, alice):
    alice.is_active = False
    alice.save()

    response = admin_client.post(
        USERS_URL, {"action": "activate", "_selected_action": [alice.pk], "index": "0"}
    )

    assert [str(m) for m in get_messages(response.wsgi_request)] == ["1 account activated."]
    alice.refresh_from_db()
    assert alice.is_active is True


def reset_two_factor(client, *users):
    return client.post(
        USERS_URL,
        {"action": "reset_two_factor", "_selected_action": [u.pk for u in users], "index": "0"},
    )


def test_the_list_shows_who_has_a_second_factor(admin_client, alice, reviewer):
    response = admin_client.get(USERS_URL)

    model_admin = response.context["cl"].model_admin
    assert {
        user.email: model_admin.has_two_factor(user) for user in response.context["cl"].result_list
    } == {"alice@example.com": False, "rita@example.com": True, "root@example.com": True}


def test_resetting_a_lost_second_factor_signs_the_reviewer_out_and_asks_for_a_new_one(
    admin_client, root, password
):
    rita = UserFactory(email="rita@example.com", role=Role.REVIEWER)
    rita_browser = signed_in(rita, password)
    assert rita_browser.get("/review/").status_code == 200

    response = reset_two_factor(admin_client, rita, root)

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Two-factor authentication reset for 1 account; it is signed out everywhere."
    ]
    assert Authenticator.objects.filter(user=rita).exists() is False
    assert Authenticator.objects.filter(user=root).exists() is True
    assert LogEntry.objects.get(object_id=str(rita.pk)).get_change_message() == (
        "Two-factor authentication reset."
    )
    assert rita_browser.get("/review/")["Location"] == "/accounts/login/?next=/review/"
    # Her next sign-in takes the password alone, then sends her to set up a new app.
    browser = signed_in(rita, password)
    assert browser.get("/review/")["Location"] == "/accounts/2fa/totp/activate/"


def test_a_reviewer_cannot_reset_anyones_second_factor(client, reviewer, root):
    client.force_login(reviewer)

    reset_two_factor(client, root)

    assert Authenticator.objects.filter(user=root).exists() is True


# Roles through the change form: staff status follows the role.


def change_form_data(user, role):
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": role,
        "is_active": "on",
        "memberships-TOTAL_FORMS": str(user.memberships.count()),
        "memberships-INITIAL_FORMS": str(user.memberships.count()),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for index, membership in enumerate(user.memberships.all()):
        data[f"memberships-{index}-id"] = str(membership.pk)
        data[f"memberships-{index}-user"] = str(user.pk)
    return data


def test_the_change_form_offers_the_role_but_not_the_staff_or_superuser_flags(admin_client, alice):
    form = admin_client.get(change_url(alice)).context["adminform"].form

    assert list(form.fields) == [
        "email",
        "password",
        "first_name",
        "last_name",
        "role",
        "is_active",
    ]


def test_making_a_publisher_an_admin_lets_them_manage_accounts(admin_client, client, alice):
    response = admin_client.post(change_url(alice), change_form_data(alice, "admin"))

    assert response["Location"] == USERS_URL
    alice.refresh_from_db()
    assert (alice.role, alice.is_staff, alice.is_superuser) == (Role.ADMIN, True, True)
    assert organisation_of(alice).company_name == "Alice Apps"
    client.force_login(alice)
    assert client.get(USERS_URL)["Location"] == "/accounts/2fa/totp/activate/"
    give_two_factor(alice)
    assert client.get(USERS_URL).status_code == 200


def test_an_e_mail_address_typed_in_the_admin_is_stored_lowercase_and_unique(
    admin_client, alice, bob
):
    data = {**change_form_data(alice, "publisher"), "email": "Alice.New@Example.COM"}
    admin_client.post(change_url(alice), data)
    alice.refresh_from_db()
    assert alice.email == "alice.new@example.com"

    taken = {**change_form_data(bob, "publisher"), "email": "ALICE.NEW@example.com"}
    response = admin_client.post(change_url(bob), taken)
    assert response.context["adminform"].form.errors["email"] == [
        "An account with this e-mail address already exists."
    ]


def test_making_an_admin_a_publisher_again_removes_staff(admin_client, alice):
    admin_client.post(change_url(alice), change_form_data(alice, "admin"))
    alice.refresh_from_db()

    response = admin_client.post(change_url(alice), change_form_data(alice, "publisher"))

    assert response["Location"] == USERS_URL
    alice.refresh_from_db()
    assert (alice.role, alice.is_staff) == (Role.PUBLISHER, False)


def test_making_a_newcomer_a_reviewer_does_not_make_them_staff(admin_client, newcomer):
    admin_client.post(change_url(newcomer), change_form_data(newcomer, "reviewer"))

    newcomer.refresh_from_db()
    assert (newcomer.role, newcomer.is_staff) == (Role.REVIEWER, False)


def test_a_former_admin_is_sent_to_the_admin_login(admin_client, client, alice):
    admin_client.post(change_url(alice), change_form_data(alice, "admin"))
    alice.refresh_from_db()
    admin_client.post(change_url(alice), change_form_data(alice, "publisher"))
    client.force_login(User.objects.get(pk=alice.pk))

    assert client.get(USERS_URL).status_code == 403


def test_an_admin_made_a_reviewer_keeps_the_review_rights_but_leaves_the_admin(
    admin_client, client, alice
):
    admin_client.post(change_url(alice), change_form_data(alice, "admin"))
    alice.refresh_from_db()

    admin_client.post(change_url(alice), change_form_data(alice, "reviewer"))

    alice.refresh_from_db()
    assert (alice.role, alice.is_staff, alice.is_superuser, alice.is_reviewer) == (
        Role.REVIEWER,
        False,
        False,
        True,
    )
    client.force_login(alice)
    assert client.get(USERS_URL).status_code == 403


def test_a_reviewer_made_an_admin_reaches_the_admin_in_the_session_they_already_have(
    admin_client, reviewer
):
    rita_browser = Client()
    rita_browser.force_login(reviewer)
    assert rita_browser.get(USERS_URL).status_code == 403

    admin_client.post(change_url(reviewer), change_form_data(reviewer, "admin"))

    assert rita_browser.get(USERS_URL).status_code == 200


# Reviewers cannot manage accounts.


@pytest.mark.parametrize("page", ["", "add/", "{pk}/change/", "{pk}/password/", "{pk}/delete/"])
def test_a_reviewer_reaches_no_account_page(client, reviewer, alice, page):
    client.force_login(reviewer)
    url = USERS_URL + page.format(pk=alice.pk)

    assert client.get(url).status_code == 403


def test_a_reviewer_cannot_change_a_role_or_deactivate_an_account(client, reviewer, alice):
    client.force_login(reviewer)

    client.post(change_url(reviewer), change_form_data(reviewer, "admin"))
    deactivate(client, alice)

    reviewer.refresh_from_db()
    alice.refresh_from_db()
    assert (reviewer.role, reviewer.is_staff, alice.is_active) == (Role.REVIEWER, False, True)


# Deactivation ends the account's sessions.


def signed_in(user, password):
    """A browser signed in through the login page, as a person would: that is what records the
    session row (force_login would not)."""
    browser = Client()
    response = sign_in(browser, user.email, password)
    assert response.status_code == 302, response
    assert response["Location"] != SECOND_FACTOR_URL
    return browser


def session_owners():
    return sorted(UserSession.objects.values_list("user__email", flat=True))


def test_each_session_row_records_whose_it_is(alice, bob, password):
    signed_in(alice, password)
    signed_in(bob, password)
    Client().get("/accounts/login/")  # an anonymous visitor has no session row at all

    assert session_owners() == ["alice@example.com", "bob@example.com"]


def test_a_deactivated_user_is_signed_out_on_the_next_request_and_the_session_is_gone(
    admin_client, alice, password
):
    alice_browser = signed_in(alice, password)
    assert alice_browser.get("/offers/").status_code == 200
    assert session_owners() == ["alice@example.com"]

    deactivate(admin_client, alice)

    assert session_owners() == []
    response = alice_browser.get("/offers/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/offers/"


def test_deactivation_ends_every_session_of_the_account_and_no_other(
    admin_client, alice, bob, password
):
    at_work, at_home = signed_in(alice, password), signed_in(alice, password)
    bob_browser = signed_in(bob, password)

    deactivate(admin_client, alice)

    assert session_owners() == ["bob@example.com"]
    assert at_work.get("/offers/").status_code == 302
    assert at_home.get("/offers/").status_code == 302
    assert bob_browser.get("/offers/").status_code == 200


def test_a_session_whose_key_changed_with_a_password_change_also_ends(
    admin_client, alice, password
):
    alice_browser = signed_in(alice, password)
    first_key = alice_browser.session.session_key
    new_password = "Ember-willow-compass-62"
    alice_browser.post(
        "/accounts/password/change/",
        {"oldpassword": password, "password1": new_password, "password2": new_password},
    )
    assert alice_browser.session.session_key != first_key

    deactivate(admin_client, alice)

    assert session_owners() == []
    assert alice_browser.get("/offers/")["Location"] == "/accounts/login/?next=/offers/"


def test_unticking_active_on_the_change_form_also_ends_the_sessions(admin_client, alice, password):
    alice_browser = signed_in(alice, password)
    data = change_form_data(alice, "publisher")
    del data["is_active"]

    response = admin_client.post(change_url(alice), data)

    assert response["Location"] == USERS_URL
    alice.refresh_from_db()
    assert alice.is_active is False
    assert session_owners() == []
    assert alice_browser.get("/offers/")["Location"] == "/accounts/login/?next=/offers/"


def test_saving_an_active_account_keeps_its_sessions(admin_client, alice, password):
    signed_in(alice, password)

    admin_client.post(change_url(alice), change_form_data(alice, "publisher"))

    assert session_owners() == ["alice@example.com"]


def test_deleting_an_account_deletes_its_sessions(alice, password):
    signed_in(alice, password)

    alice.delete()

    assert session_owners() == []


def test_an_expired_session_is_cleared_by_clearsessions_and_drops_from_the_list(alice, password):
    signed_in(alice, password)
    Session.objects.update(expire_date="2000-01-01T00:00:00Z")
    # The cached copy (cached_db) is kept for the session's age, so it expires with the row.
    cache.clear()

    call_command("clearsessions")

    assert Session.objects.exists() is False
    assert UserSession.objects.purge_and_list(alice) == []
