# The reviewers' queue stays as fast with 100,000 offers as with 100 (bench/dashboard.py).
#
# The indexes on offers are declared in Offer.Meta and work on every database. The others only
# PostgreSQL can take (trigram GIN indexes), or they are on the tables of other apps
# (organisations, accounts) whose models do not know the queue: they are created here, on
# PostgreSQL only, and not declared in any Meta, since Django would then create them on SQLite
# too (`make run`, the fast tests), where a GIN index fails, and makemigrations would ask for
# them again. SQLite reads a laptop's few offers without them.

import django.db.models.functions.text
from django.db import migrations, models


class OnPostgreSQL(migrations.RunSQL):
    """RunSQL on PostgreSQL; nothing on any other database."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


# Django's icontains on PostgreSQL is `UPPER(column::text) LIKE UPPER(%s)`: a trigram index on
# exactly that expression serves it, whatever part of the value is searched for
# (offers.queries._searched, one part per table).
SEARCHED = [
    ("offers_offer_app_name_trgm", "offers_offer", "app_name"),
    ("offers_organisation_company_name_trgm", "organisations_organisation", "company_name"),
    ("offers_organisation_mpn_id_trgm", "organisations_organisation", "mpn_id"),
    ("offers_user_email_trgm", "accounts_user", "email"),
]


# As Offer.Meta has them (offers.models.REVIEWABLE and UNDECIDED): every submitted offer, and
# the open ones.
REVIEWABLE = models.Q(("status", "draft"), _negated=True)
UNDECIDED = models.Q(
    ("status__in", ("submitted", "validating", "changes_needed", "in_review", "changes_requested"))
)


def trigram_index(name, table, column):
    return OnPostgreSQL(
        f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER({column}::text) gin_trgm_ops)",
        f"DROP INDEX IF EXISTS {name}",
    )


class Migration(migrations.Migration):

    dependencies = [
        ("offers", "0015_fill_check_outcome"),
        ("organisations", "0004_api_keys"),
        ("accounts", "0007_delete_publisherprofile"),
    ]

    operations = [
        # Replaced by the partial offers_queue below, which leaves the drafts out.
        migrations.RemoveIndex(model_name="offer", name="offers_offe_submitt_5a7303_idx"),
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(fields=["status"], name="offers_queue_count"),
        ),
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(fields=["check_outcome", "status"], name="offers_queue_count_outcome"),
        ),
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(fields=["assigned_to", "status"], name="offers_queue_count_reviewer"),
        ),
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(condition=REVIEWABLE, fields=["submitted_at", "id"], name="offers_queue"),
        ),
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(condition=REVIEWABLE, fields=["updated_at", "id"], name="offers_queue_updated"),
        ),
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(
                django.db.models.functions.text.Lower("app_name"),
                models.F("id"),
                condition=REVIEWABLE,
                name="offers_queue_app_name",
            ),
        ),
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(condition=UNDECIDED, fields=["submitted_at", "id"], name="offers_open"),
        ),
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(
                condition=UNDECIDED, fields=["check_outcome", "submitted_at", "id"], name="offers_open_outcome"
            ),
        ),
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(
                condition=UNDECIDED, fields=["assigned_to", "submitted_at", "id"], name="offers_open_reviewer"
            ),
        ),
        # pg_trgm ships with PostgreSQL and is a trusted extension (13 and later): the owner of
        # the database may create it. Backwards it stays: dropping it needs more rights, and
        # something else may use it.
        OnPostgreSQL("CREATE EXTENSION IF NOT EXISTS pg_trgm", migrations.RunSQL.noop),
        *(trigram_index(*index) for index in SEARCHED),
        # The queue sorted by publisher walks the organisations in this order.
        OnPostgreSQL(
            "CREATE INDEX IF NOT EXISTS offers_organisation_company_name_sort "
            "ON organisations_organisation (LOWER(company_name), id)",
            "DROP INDEX IF EXISTS offers_organisation_company_name_sort",
        ),
        # The queue's page lists the reviewers to give offers to (review.bulk): a few among
        # the many publishers, found without reading every account.
        OnPostgreSQL(
            "CREATE INDEX IF NOT EXISTS offers_user_role ON accounts_user (role)",
            "DROP INDEX IF EXISTS offers_user_role",
        ),
    ]
