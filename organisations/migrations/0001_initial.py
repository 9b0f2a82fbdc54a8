import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Organisation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("company_name", models.CharField(max_length=200, verbose_name="company name")),
                (
                    "registration_type",
                    models.CharField(
                        choices=[
                            ("mpn", "Microsoft Partner Network member"),
                            ("marketplace", "Registered marketplace publisher"),
                        ],
                        max_length=20,
                        verbose_name="registration",
                    ),
                ),
                ("mpn_id", models.CharField(blank=True, max_length=10, verbose_name="MPN ID")),
                ("marketplace_publisher_id", models.CharField(blank=True, max_length=50, verbose_name="publisher ID")),
                ("microsoft_account", models.EmailField(max_length=254, verbose_name="Microsoft account")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
            ],
            options={"verbose_name": "organisation", "verbose_name_plural": "organisations"},
        ),
        migrations.CreateModel(
            name="Membership",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("owner", "Owner"),
                            ("manager", "Manager"),
                            ("marketer", "Marketer"),
                            ("viewer", "Viewer"),
                        ],
                        max_length=20,
                        verbose_name="role",
                    ),
                ),
                ("joined_at", models.DateTimeField(auto_now_add=True, verbose_name="joined")),
                ("email_receipts", models.BooleanField(default=True, verbose_name="submission receipts")),
                ("email_checks_failed", models.BooleanField(default=True, verbose_name="checks that failed")),
                ("email_decisions", models.BooleanField(default=True, verbose_name="reviewers' decisions")),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="memberships",
                        to="organisations.organisation",
                        verbose_name="organisation",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="memberships",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="member",
                    ),
                ),
            ],
            options={
                "verbose_name": "member",
                "verbose_name_plural": "members",
                "constraints": [
                    models.UniqueConstraint(fields=("organisation", "user"), name="one_membership_each")
                ],
            },
        ),
    ]
