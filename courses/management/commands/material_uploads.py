"""Delete unfinished material uploads with no piece for MATERIAL_UPLOAD_EXPIRY_HOURS (run it from
cron, e.g. hourly; every upload's start also does it)."""

from django.core.management.base import BaseCommand

from courses.chunked_uploads import remove_expired


class Command(BaseCommand):
    help = "Delete material uploads (sent in pieces) left unfinished past MATERIAL_UPLOAD_EXPIRY_HOURS."

    def handle(self, **options):
        self.stdout.write(f"deleted {remove_expired()} expired material upload(s)")
