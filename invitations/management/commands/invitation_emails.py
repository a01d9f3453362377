"""Queue again invitation e-mails left pending with no task (run it from cron, e.g. hourly)."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from invitations.tasks import pending_enqueue


class Command(BaseCommand):
    help = "Queue again the e-mails of invitations still pending after --older-than minutes."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=60, help="minutes (default: 60)")

    def handle(self, *, older_than: int, **options):
        queued = pending_enqueue(older_than=timedelta(minutes=max(older_than, 0)))
        self.stdout.write(f"queued {queued} pending invitation e-mail(s)")
