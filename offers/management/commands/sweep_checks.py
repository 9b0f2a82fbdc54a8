from django.core.management.base import BaseCommand

from offers.checks import rounds


class Command(BaseCommand):
    help = (
        "Queue again the checks that waited or ran too long, and settle those out of attempts "
        "(for cron; the worker's beat also runs it every minute)."
    )

    def handle(self, *args, **options):
        queued, given_up = rounds.sweep()
        self.stdout.write(f"Queued again: {queued}. Given up: {given_up}.")
