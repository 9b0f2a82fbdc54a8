from django.conf import settings
from django.core.management.base import BaseCommand

from offers.tasks import clean_wizard_uploads


class Command(BaseCommand):
    help = "Delete temporary wizard uploads of abandoned sessions (for cron)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-hours",
            type=int,
            default=settings.WIZARD_TMP_MAX_AGE_HOURS,
            help="Remove files last changed more than this many hours ago (default: %(default)s).",
        )

    def handle(self, *args, older_than_hours, **options):
        removed = clean_wizard_uploads(max_age_hours=older_than_hours)
        self.stdout.write(f"Removed {removed} temporary upload(s).")
