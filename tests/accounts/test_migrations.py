"""Moving to django-allauth keeps every account signing in as before."""

import pytest

from tests.migrating import migrate

BEFORE = [
    ("accounts", "0005_allauth_sessions"),
    ("account", "0009_emailaddress_unique_primary_email"),
]
AFTER = [("accounts", "0006_existing_addresses_verified")]


@pytest.mark.django_db(transaction=True)
def test_accounts_made_before_allauth_have_a_verified_primary_address(
    back_to_the_latest_schema, django_db_serialized_rollback
):
    apps = migrate(BEFORE)
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    User.objects.create(email="old@example.com", role="publisher")
    rita = User.objects.create(email="rita@example.com", role="reviewer")
    EmailAddress.objects.create(user=rita, email="rita@example.com", verified=False, primary=True)

    apps = migrate(AFTER)

    EmailAddress = apps.get_model("account", "EmailAddress")
    assert sorted(EmailAddress.objects.values_list("email", "verified", "primary")) == [
        ("old@example.com", True, True),
        ("rita@example.com", False, True),  # allauth's own row is left as it was
    ]
