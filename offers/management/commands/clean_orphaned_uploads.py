from django.conf import settings
from django.core.management.base import BaseCommand

from offers.tasks import clean_orphaned_uploads


class Command(BaseCommand):
    help = (
        "Delete uploaded logo files that no offer refers to, left by wizard steps that were "
        "abandoned before they committed (for cron; the worker's beat also runs it hourly)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-hours",
            type=int,
            default=settings.ORPHAN_UPLOAD_MAX_AGE_HOURS,
            help="Only files last changed more than this many hours ago (default: %(default)s).",
        )

    def handle(self, *args, older_than_hours, **options):
        removed = clean_orphaned_uploads(max_age_hours=older_than_hours)
        self.stdout.write(f"Removed {removed} orphaned upload(s).")
