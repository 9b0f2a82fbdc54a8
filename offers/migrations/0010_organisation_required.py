"""Offers belong to an organisation (3 of 3): every offer has one now (0009)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("offers", "0009_organisations_data")]

    operations = [
        migrations.AlterField(
            model_name="offer",
            name="organisation",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="offers",
                to="organisations.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(
                fields=["organisation", "-updated_at"], name="offers_offe_organis_ad5834_idx"
            ),
        ),
    ]
