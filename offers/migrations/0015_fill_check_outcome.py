# Each offer's check outcome from the checks of its current revision, as offers.checks.rounds
# keeps it from now on. Offers without such checks keep the default, "none".

from collections import defaultdict
from itertools import groupby
from operator import itemgetter

from django.db import migrations
from django.db.models import F

# A plain function of the checks' statuses, not a model: the same precedence the running code
# stores (still running > failed > error > passed).
from offers.models import round_outcome

# Offers updated by one statement: within SQLite's limit on a statement's parameters.
BATCH = 500


def fill_check_outcomes(apps, schema_editor):
    Check = apps.get_model("offers", "Check")
    Offer = apps.get_model("offers", "Offer")
    current = (
        Check.objects.filter(revision=F("offer__revision"))
        .order_by("offer_id")
        .values_list("offer_id", "status")
    )
    offers_by_outcome = defaultdict(list)
    for offer_id, rows in groupby(current.iterator(chunk_size=5000), key=itemgetter(0)):
        offers_by_outcome[round_outcome(status for _offer, status in rows)].append(offer_id)
    for outcome, offer_ids in offers_by_outcome.items():
        for start in range(0, len(offer_ids), BATCH):
            batch = offer_ids[start : start + BATCH]
            Offer.objects.filter(pk__in=batch).update(check_outcome=outcome)


class Migration(migrations.Migration):

    dependencies = [
        ("offers", "0014_offer_check_outcome"),
    ]

    operations = [
        # Backwards there is nothing to undo: 0014 removes the field.
        migrations.RunPython(fill_check_outcomes, migrations.RunPython.noop, elidable=True),
    ]
