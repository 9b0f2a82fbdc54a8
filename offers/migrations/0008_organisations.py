"""Offers belong to an organisation (1 of 3): the columns. 0009 moves the data, 0010 makes the
organisation required; each in a transaction of its own, as PostgreSQL refuses to alter a table
with checks of rows written earlier in the same transaction still pending."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("offers", "0007_answer_labels"),
        ("organisations", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(model_name="offer", name="offers_offe_owner_i_7a7ba5_idx"),
        migrations.RenameField(model_name="offer", old_name="owner", new_name="created_by"),
        migrations.AlterField(
            model_name="offer",
            name="created_by",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="offers_started",
                to=settings.AUTH_USER_MODEL,
                verbose_name="started by",
            ),
        ),
        migrations.AddField(
            model_name="offer",
            name="organisation",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="offers",
                to="organisations.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.AddField(
            model_name="notification",
            name="email_wanted",
            field=models.BooleanField(default=True, verbose_name="e-mail wanted"),
        ),
    ]
