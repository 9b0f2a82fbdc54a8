# The stored check outcome of each offer's current revision (Offer.check_outcome): filled by
# 0015, indexed with the queue's other indexes by 0016.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("offers", "0013_assignments"),
    ]

    operations = [
        migrations.AddField(
            model_name="offer",
            name="check_outcome",
            field=models.CharField(
                choices=[
                    ("running", "Still running"),
                    ("failed", "Some failed"),
                    ("error", "Could not be checked"),
                    ("passed", "All passed"),
                    ("none", "No checks"),
                ],
                default="none",
                max_length=10,
                verbose_name="checks",
            ),
        ),
    ]
