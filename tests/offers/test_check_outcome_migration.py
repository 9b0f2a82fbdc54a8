"""Offers made before the check outcome was stored get theirs from the checks of their current
revision (offers 0015). CI runs this on PostgreSQL too."""

import pytest

from tests.migrating import migrate

BEFORE = [("offers", "0014_offer_check_outcome")]
AFTER = [("offers", "0015_fill_check_outcome")]
ITEMS = ("40x40", "90x90", "support", "privacy", "terms")


@pytest.mark.django_db(transaction=True)
def test_each_offer_gets_the_outcome_of_its_current_checks(
    back_to_the_latest_schema, django_db_serialized_rollback
):
    apps = migrate(BEFORE)
    Organisation = apps.get_model("organisations", "Organisation")
    Offer = apps.get_model("offers", "Offer")
    Check = apps.get_model("offers", "Check")
    contoso = Organisation.objects.create(
        company_name="Contoso", registration_type="mpn", microsoft_account="p@contoso.example"
    )

    def offer(app_name, revision=1, *rounds):
        """An offer at `revision`, with a round of checks of each status list in `rounds`
        (revision 1, 2, ...)."""
        made = Offer.objects.create(organisation=contoso, app_name=app_name, revision=revision)
        Check.objects.bulk_create(
            Check(offer=made, revision=number, kind="logo", subject=item, status=status)
            for number, statuses in enumerate(rounds, 1)
            for item, status in zip(ITEMS, statuses, strict=False)
        )

    offer("Draft", 0)
    offer("Passed", 1, ["passed"] * 5)
    offer("Failed", 1, ["passed", "error", "failed", "passed"])
    offer("Error", 1, ["passed", "error"])
    offer("Running", 2, ["failed"] * 5, ["passed", "failed", "pending"])
    offer("Fixed", 2, ["failed"] * 5, ["passed"] * 5)
    offer("Resubmitted, no checks yet", 2, ["failed"] * 5)

    apps = migrate(AFTER)

    Offer = apps.get_model("offers", "Offer")
    assert dict(Offer.objects.values_list("app_name", "check_outcome")) == {
        "Draft": "none",
        "Passed": "passed",
        "Failed": "failed",
        "Error": "error",
        "Running": "running",
        "Fixed": "passed",
        "Resubmitted, no checks yet": "none",
    }
