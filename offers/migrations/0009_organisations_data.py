"""Offers belong to an organisation (2 of 3): every publisher becomes the owner of a one-person
organisation that keeps their profile and their offers."""

from django.db import migrations


def to_organisations(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    PublisherProfile = apps.get_model("accounts", "PublisherProfile")
    Organisation = apps.get_model("organisations", "Organisation")
    Membership = apps.get_model("organisations", "Membership")
    Offer = apps.get_model("offers", "Offer")
    profiles = {profile.user_id: profile for profile in PublisherProfile.objects.all()}
    with_offers = set(Offer.objects.values_list("created_by_id", flat=True).distinct())
    for user in User.objects.filter(pk__in={*profiles, *with_offers}).order_by("pk"):
        organisation = Organisation.objects.create(**_details(profiles.get(user.pk), user))
        Membership.objects.create(organisation=organisation, user=user, role="owner")
        Offer.objects.filter(created_by=user).update(organisation=organisation)


def _details(profile, user):
    if profile is None:
        # An offer is started with the profile, so this is not expected: the owner completes
        # the details on the organisation's page.
        return {"company_name": user.email, "registration_type": "", "microsoft_account": user.email}
    fields = ("company_name", "registration_type", "mpn_id", "marketplace_publisher_id")
    details = {field: getattr(profile, field) for field in fields}
    details["microsoft_account"] = profile.microsoft_account
    return details


def to_profiles(apps, schema_editor):
    PublisherProfile = apps.get_model("accounts", "PublisherProfile")
    Membership = apps.get_model("organisations", "Membership")
    Offer = apps.get_model("offers", "Offer")
    owners = Membership.objects.filter(role="owner").select_related("organisation")
    for membership in owners.order_by("organisation_id", "pk"):
        organisation = membership.organisation
        if PublisherProfile.objects.filter(user_id=membership.user_id).exists():
            continue
        PublisherProfile.objects.create(
            user_id=membership.user_id,
            company_name=organisation.company_name,
            registration_type=organisation.registration_type,
            mpn_id=organisation.mpn_id,
            marketplace_publisher_id=organisation.marketplace_publisher_id,
            microsoft_account=organisation.microsoft_account,
        )
    Offer.objects.update(organisation=None)


class Migration(migrations.Migration):
    dependencies = [
        ("offers", "0008_organisations"),
        ("accounts", "0006_existing_addresses_verified"),
    ]

    operations = [migrations.RunPython(to_organisations, to_profiles)]
