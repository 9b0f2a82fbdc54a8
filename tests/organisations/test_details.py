"""The organisation's details: every field's rule, the error that names it, what is saved, and
who may change them (owners; every other member reads them)."""

import pytest

from organisations.forms import OrganisationForm
from organisations.models import MemberRole, Organisation, RegistrationType
from tests.factories import organisation_of, publisher

pytestmark = pytest.mark.django_db

PROFILE_URL = "/organisation/"

MPN = {
    "company_name": "Carol Consulting",
    "registration_type": "mpn",
    "mpn_id": "4512345",
    "marketplace_publisher_id": "",
    "microsoft_account": "partner@carol.example",
}
MARKETPLACE = {
    **MPN,
    "registration_type": "marketplace",
    "mpn_id": "",
    "marketplace_publisher_id": "carol-apps",
}

# A field left empty is named, with what to do.
REQUIRED = {
    "company_name": "Fill in “Company name”.",
    "registration_type": "Choose an answer for “Registration”.",
    "microsoft_account": "Fill in “Microsoft account”.",
}
PUBLISHER_ID_FORMAT = (
    "A publisher ID is 3 to 50 lowercase letters, digits, dots, hyphens or underscores, "
    "starting with a letter or digit, such as “contoso-apps”."
)


def profile_form(base=MPN, **changes):
    data = {**base, **changes}
    form = OrganisationForm(data={k: v for k, v in data.items() if v is not None})
    form.is_valid()
    return form


# The form, field by field.


def test_a_complete_mpn_profile_is_valid():
    form = profile_form()

    assert form.errors == {}
    assert form.cleaned_data == MPN


def test_a_complete_marketplace_profile_is_valid():
    form = profile_form(MARKETPLACE)

    assert form.errors == {}
    assert form.cleaned_data == MARKETPLACE


@pytest.mark.parametrize("missing", ["company_name", "registration_type", "microsoft_account"])
def test_a_field_every_publisher_fills_in_is_required(missing):
    assert profile_form(**{missing: ""}).errors == {missing: [REQUIRED[missing]]}
    assert profile_form(**{missing: None}).errors == {missing: [REQUIRED[missing]]}


def test_a_company_name_of_only_spaces_is_missing():
    assert profile_form(company_name="   ").errors == {"company_name": [REQUIRED["company_name"]]}


def test_a_company_name_longer_than_200_characters_is_refused():
    assert profile_form(company_name="C" * 201).errors == {
        "company_name": ["Ensure this value has at most 200 characters (it has 201)."]
    }


def test_the_registration_is_one_of_the_two_kinds():
    assert profile_form(registration_type="reseller").errors == {
        "registration_type": [
            "Select a valid choice. reseller is not one of the available choices."
        ]
    }


@pytest.mark.parametrize("account", ["partner", "partner@", "partner at carol.example"])
def test_the_microsoft_account_must_be_an_email_address(account):
    assert profile_form(microsoft_account=account).errors == {
        "microsoft_account": ["Enter a valid email address."]
    }


# The MPN ID: required for MPN members, 6 to 10 digits.


def test_an_mpn_member_must_give_an_mpn_id():
    assert profile_form(mpn_id="").errors == {"mpn_id": ["Enter your MPN ID."]}
    assert profile_form(mpn_id="   ").errors == {"mpn_id": ["Enter your MPN ID."]}


@pytest.mark.parametrize("mpn_id", ["45-12345", "4512345a", "MPN4512345", "٤٥١٢٣٤٥"])
def test_an_mpn_id_has_digits_only(mpn_id):
    assert profile_form(mpn_id=mpn_id).errors == {
        "mpn_id": [
            f"An MPN ID contains digits only, such as 4512345; “{mpn_id}” has other characters."
        ]
    }


@pytest.mark.parametrize(("mpn_id", "count"), [("12345", 5), ("12345678901", 11), ("1", 1)])
def test_an_mpn_id_with_fewer_than_6_or_more_than_10_digits_is_refused(mpn_id, count):
    assert profile_form(mpn_id=mpn_id).errors == {
        "mpn_id": [f"An MPN ID has 6 to 10 digits; this one has {count}."]
    }


@pytest.mark.parametrize("mpn_id", ["123456", "1234567890"])
def test_an_mpn_id_of_6_or_10_digits_is_accepted(mpn_id):
    form = profile_form(mpn_id=mpn_id)

    assert form.errors == {}
    assert form.cleaned_data["mpn_id"] == mpn_id


@pytest.mark.parametrize("mpn_id", ["451 2345", " 4512345 ", "45 12 345"])
def test_spaces_in_an_mpn_id_are_removed(mpn_id):
    form = profile_form(mpn_id=mpn_id)

    assert form.errors == {}
    assert form.cleaned_data["mpn_id"] == "4512345"


def test_the_length_is_counted_after_the_spaces_are_removed():
    assert profile_form(mpn_id="123 45").errors == {
        "mpn_id": ["An MPN ID has 6 to 10 digits; this one has 5."]
    }
    assert profile_form(mpn_id="12 345 678 901").errors == {
        "mpn_id": ["An MPN ID has 6 to 10 digits; this one has 11."]
    }


def test_a_marketplace_publisher_needs_no_mpn_id():
    assert profile_form(MARKETPLACE, mpn_id="").errors == {}


# The marketplace publisher ID: required for marketplace publishers, a fixed format.


def test_a_marketplace_publisher_must_give_a_publisher_id():
    assert profile_form(MARKETPLACE, marketplace_publisher_id="").errors == {
        "marketplace_publisher_id": ["Enter your marketplace publisher ID."]
    }


@pytest.mark.parametrize(
    "publisher_id", ["carol apps", "-carol", ".carol", "ab", "c" * 51, "carol/apps", "carolé"]
)
def test_a_publisher_id_outside_the_format_is_refused(publisher_id):
    assert profile_form(MARKETPLACE, marketplace_publisher_id=publisher_id).errors == {
        "marketplace_publisher_id": [PUBLISHER_ID_FORMAT]
    }


@pytest.mark.parametrize(
    ("publisher_id", "saved"),
    [
        ("abc", "abc"),
        ("c" * 50, "c" * 50),
        ("carol.apps_2-eu", "carol.apps_2-eu"),
        ("0carol", "0carol"),
        ("  Carol-Apps ", "carol-apps"),
    ],
)
def test_a_publisher_id_in_the_format_is_accepted_in_lowercase(publisher_id, saved):
    form = profile_form(MARKETPLACE, marketplace_publisher_id=publisher_id)

    assert form.errors == {}
    assert form.cleaned_data["marketplace_publisher_id"] == saved


def test_an_mpn_member_needs_no_publisher_id():
    assert profile_form(marketplace_publisher_id="").errors == {}


# The ID that does not belong to the chosen registration is dropped.


def test_an_mpn_member_keeps_no_publisher_id():
    form = profile_form(marketplace_publisher_id="carol-apps")

    assert form.errors == {}
    assert form.cleaned_data["marketplace_publisher_id"] == ""
    assert form.cleaned_data["mpn_id"] == "4512345"


def test_a_marketplace_publisher_keeps_no_mpn_id():
    form = profile_form(MARKETPLACE, mpn_id="4512345")

    assert form.errors == {}
    assert form.cleaned_data["mpn_id"] == ""
    assert form.cleaned_data["marketplace_publisher_id"] == "carol-apps"


def test_a_malformed_id_of_the_other_registration_is_not_held_against_the_publisher():
    assert profile_form(marketplace_publisher_id="Not An ID!").errors == {}
    assert profile_form(MARKETPLACE, mpn_id="abc").errors == {}


# The page.


def test_the_details_page_needs_a_signed_in_user(client):
    assert client.get(PROFILE_URL)["Location"] == "/accounts/login/?next=/organisation/"


def test_someone_in_no_organisation_is_told_how_to_get_one(client, newcomer):
    client.force_login(newcomer)

    response = client.get(PROFILE_URL)

    assert response.status_code == 200
    assert "You belong to no organisation yet." in response.content.decode()


def test_the_profile_page_shows_the_saved_profile(alice_client, alice):
    response = alice_client.get(PROFILE_URL)

    assert response.context["form"].initial == {
        "company_name": "Alice Apps",
        "registration_type": "mpn",
        "mpn_id": "4512345",
        "marketplace_publisher_id": "",
        "microsoft_account": organisation_of(alice).microsoft_account,
    }


def test_an_owner_saves_the_details(alice_client, alice):
    response = alice_client.post(PROFILE_URL, {**MPN, "mpn_id": "451 2345"}, follow=True)

    assert response.redirect_chain == [(PROFILE_URL, 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "The organisation's details were saved."
    ]
    organisation = organisation_of(alice)
    organisation.refresh_from_db()
    assert (
        organisation.company_name,
        organisation.registration_type,
        organisation.mpn_id,
        organisation.marketplace_publisher_id,
        organisation.microsoft_account,
    ) == ("Carol Consulting", RegistrationType.MPN, "4512345", "", "partner@carol.example")


@pytest.mark.parametrize("role", [MemberRole.MANAGER, MemberRole.MARKETER, MemberRole.VIEWER])
def test_other_members_read_the_details_and_cannot_change_them(client, alice, role):
    member = publisher("member@example.com", organisation=organisation_of(alice), role=role)
    client.force_login(member)

    page = client.get(PROFILE_URL)
    posted = client.post(PROFILE_URL, {**MPN, "company_name": "Hijacked"})

    assert (page.status_code, posted.status_code) == (200, 403)
    assert all(field.disabled for field in page.context["form"].fields.values())
    assert page.context["read_only_note"] == (
        f"Only owners of Alice Apps manage its members and its details; your role there is "
        f"{role.label}."
    )
    assert Organisation.objects.get(pk=organisation_of(alice).pk).company_name == "Alice Apps"


def test_saving_updates_the_existing_profile_in_place(alice_client, alice):
    profile_id = organisation_of(alice).pk

    alice_client.post(PROFILE_URL, {**MPN, "company_name": "Alice Apps International"})

    profile = Organisation.objects.get(memberships__user=alice)
    assert profile.pk == profile_id
    assert profile.company_name == "Alice Apps International"
    assert profile.microsoft_account == "partner@carol.example"
    assert Organisation.objects.count() == 1


def test_changing_to_a_marketplace_registration_blanks_the_saved_mpn_id(alice_client, alice):
    alice_client.post(PROFILE_URL, {**MARKETPLACE, "mpn_id": "4512345"})

    profile = Organisation.objects.get(memberships__user=alice)
    assert profile.registration_type == RegistrationType.MARKETPLACE
    assert profile.marketplace_publisher_id == "carol-apps"
    assert profile.mpn_id == ""


def test_changing_back_to_mpn_blanks_the_saved_publisher_id(alice_client, alice):
    alice_client.post(PROFILE_URL, MARKETPLACE)

    alice_client.post(PROFILE_URL, {**MPN, "marketplace_publisher_id": "carol-apps"})

    profile = Organisation.objects.get(memberships__user=alice)
    assert (profile.registration_type, profile.mpn_id, profile.marketplace_publisher_id) == (
        RegistrationType.MPN,
        "4512345",
        "",
    )


def test_an_invalid_profile_is_shown_again_with_the_error_next_to_its_field(alice_client, alice):
    response = alice_client.post(PROFILE_URL, {**MPN, "mpn_id": "12345"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "mpn_id": ["An MPN ID has 6 to 10 digits; this one has 5."]
    }
    assert (
        '<ul class="errorlist" id="id_mpn_id_error">'
        "<li>An MPN ID has 6 to 10 digits; this one has 5.</li></ul>"
    ) in response.content.decode()
    assert Organisation.objects.get(memberships__user=alice).company_name == "Alice Apps"


def test_a_publisher_edits_only_their_own_profile(client, alice, bob):
    client.force_login(bob)

    client.post(PROFILE_URL, {**MPN, "company_name": "Bob Software Group"})

    assert Organisation.objects.get(memberships__user=bob).company_name == "Bob Software Group"
    assert Organisation.objects.get(memberships__user=alice).company_name == "Alice Apps"
