"""Every account made before django-allauth keeps signing in as it did: its address is recorded
as verified and primary (sign-up never asked for proof before; invitations came by e-mail)."""

from django.db import migrations


def addresses_verified(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    known = set(EmailAddress.objects.values_list("user_id", flat=True))
    EmailAddress.objects.bulk_create(
        EmailAddress(user_id=user_id, email=email, verified=True, primary=True)
        for user_id, email in User.objects.values_list("pk", "email").iterator()
        if user_id not in known
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_allauth_sessions"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(addresses_verified, migrations.RunPython.noop)]
