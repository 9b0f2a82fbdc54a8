"""The publisher's profile became their organisation (offers 0009 moved every one)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_existing_addresses_verified"),
        ("offers", "0009_organisations_data"),
    ]

    operations = [migrations.DeleteModel(name="PublisherProfile")]
