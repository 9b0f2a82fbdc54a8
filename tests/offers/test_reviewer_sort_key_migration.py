"""Offers assigned before the queue kept its reviewer sort key get their reviewer's address
(offers 0017). CI runs this on PostgreSQL too."""

import pytest

from tests.migrating import migrate

BEFORE = [("offers", "0016_queue_indexes")]
AFTER = [("offers", "0017_reviewer_sort_key")]


@pytest.mark.django_db(transaction=True)
def test_each_assigned_offer_gets_its_reviewers_address(
    back_to_the_latest_schema, django_db_serialized_rollback
):
    apps = migrate(BEFORE)
    Organisation = apps.get_model("organisations", "Organisation")
    Offer = apps.get_model("offers", "Offer")
    User = apps.get_model("accounts", "User")
    contoso = Organisation.objects.create(
        company_name="Contoso", registration_type="mpn", microsoft_account="p@contoso.example"
    )
    carol = User.objects.create(email="carol@offerdesk.example", role="reviewer")
    Offer.objects.create(organisation=contoso, app_name="Taken", assigned_to=carol)
    Offer.objects.create(organisation=contoso, app_name="Nobody's")

    apps = migrate(AFTER)

    Offer = apps.get_model("offers", "Offer")
    assert dict(Offer.objects.values_list("app_name", "assigned_to_email")) == {
        "Taken": "carol@offerdesk.example",
        "Nobody's": None,
    }
