"""Queue again invitation e-mails left pending with no task, and delete stale unconfirmed
uploads (run it from cron, e.g. hourly)."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from invitations.services import import_purge
from invitations.tasks import pending_enqueue


class Command(BaseCommand):
    help = (
        "Queue again the e-mails of invitations still pending after --older-than minutes; delete "
        "class lists uploaded but not confirmed for --previews-days days."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=60, help="minutes (default: 60)")
        parser.add_argument("--previews-days", type=int, default=2, help="days (default: 2)")

    def handle(self, *, older_than: int, previews_days: int, **options):
        queued = pending_enqueue(older_than=timedelta(minutes=max(older_than, 0)))
        purged = import_purge(older_than=timedelta(days=max(previews_days, 0)))
        self.stdout.write(f"queued {queued} pending invitation e-mail(s); deleted {purged} unconfirmed upload(s)")
