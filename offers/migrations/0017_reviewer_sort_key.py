# The queue's sort by reviewer reads an index of the offers (Offer.assigned_to_email) instead of
# sorting every open offer by a column of the joined user. Existing assignments get their
# reviewer's address; the descending sort (unassigned still last) has its own index on
# PostgreSQL, as SQLite's indexes cannot say NULLS LAST.
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

DESCENDING = "offers_queue_reviewer_desc"


def fill(apps, schema_editor):
    Offer = apps.get_model("offers", "Offer")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    email = User.objects.filter(pk=OuterRef("assigned_to_id")).values("email")[:1]
    Offer.objects.exclude(assigned_to=None).update(assigned_to_email=Subquery(email))


def create_descending(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {DESCENDING} ON offers_offer "
            "(assigned_to_email DESC NULLS LAST, id DESC) WHERE NOT (status = 'draft')"
        )


def drop_descending(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {DESCENDING}")


class Migration(migrations.Migration):
    dependencies = [
        ("offers", "0016_queue_indexes"),
        ("organisations", "0004_api_keys"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="offer",
            name="assigned_to_email",
            field=models.EmailField(blank=True, editable=False, max_length=254, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(
                condition=models.Q(("status", "draft"), _negated=True),
                fields=["assigned_to_email", "id"],
                name="offers_queue_reviewer",
            ),
        ),
        migrations.RunPython(create_descending, drop_descending),
    ]
