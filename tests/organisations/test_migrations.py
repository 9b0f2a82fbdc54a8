"""Every publisher becomes the owner of a one-person organisation that keeps their profile
and their offers (offers 0008 to 0010). CI runs this on PostgreSQL, where a schema change in the
transaction that moved the rows would be refused."""

import pytest

from tests.migrating import migrate

# As a database of the release before: no organisations at all.
BEFORE = [
    ("offers", "0007_answer_labels"),
    ("accounts", "0006_existing_addresses_verified"),
    ("organisations", None),
]
AFTER = [("accounts", "0007_delete_publisherprofile")]


@pytest.mark.django_db(transaction=True)
def test_each_publisher_owns_an_organisation_with_their_profile_and_offers(
    back_to_the_latest_schema,
    django_db_serialized_rollback,
):
    apps = migrate(BEFORE)
    User = apps.get_model("accounts", "User")
    PublisherProfile = apps.get_model("accounts", "PublisherProfile")
    Offer = apps.get_model("offers", "Offer")
    ada = User.objects.create(email="ada@example.com", password="kept-hash")
    PublisherProfile.objects.create(
        user=ada,
        company_name="Ada Apps",
        registration_type="marketplace",
        marketplace_publisher_id="ada-apps",
        microsoft_account="partner@ada.example",
    )
    Offer.objects.create(owner=ada, app_name="Ada One")
    Offer.objects.create(owner=ada, app_name="Ada Two")
    ben = User.objects.create(email="ben@example.com")
    PublisherProfile.objects.create(
        user=ben,
        company_name="Ben Tools",
        registration_type="mpn",
        mpn_id="4512345",
        microsoft_account="ben@ben.example",
    )
    User.objects.create(email="rita@example.com", role="reviewer")

    apps = migrate(AFTER)

    Organisation = apps.get_model("organisations", "Organisation")
    Offer = apps.get_model("offers", "Offer")
    User = apps.get_model("accounts", "User")
    organisations = Organisation.objects.order_by("company_name")
    assert [
        (
            organisation.company_name,
            organisation.registration_type,
            organisation.mpn_id,
            organisation.marketplace_publisher_id,
            organisation.microsoft_account,
            list(organisation.memberships.values_list("user__email", "role")),
        )
        for organisation in organisations
    ] == [
        (
            "Ada Apps",
            "marketplace",
            "",
            "ada-apps",
            "partner@ada.example",
            [("ada@example.com", "owner")],
        ),
        ("Ben Tools", "mpn", "4512345", "", "ben@ben.example", [("ben@example.com", "owner")]),
    ]
    assert sorted(
        Offer.objects.values_list("app_name", "organisation__company_name", "created_by__email")
    ) == [
        ("Ada One", "Ada Apps", "ada@example.com"),
        ("Ada Two", "Ada Apps", "ada@example.com"),
    ]
    assert User.objects.get(email="ada@example.com").password == "kept-hash"
