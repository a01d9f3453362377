"""Background tasks of accounts (run by `manage.py db_worker`)."""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)
RETRY_DELAYS = (60, 300, 1800)  # seconds before the 2nd, 3rd and 4th try when SMTP is down

RESET_EMAIL = "accounts/email/password_reset.txt"
RESET_SUBJECT = "accounts/email/password_reset_subject.txt"


@task()
def send_password_reset(email: str, attempt: int = 1) -> int:
    """E-mail a reset link to the accounts with this address (none: nothing happens). Runs off
    the request path, so a known and an unknown address answer the page alike. Returns how
    many accounts were sent a link."""
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return 0
    site = urlsplit(settings.SITE_URL)
    try:
        form.save(
            domain_override=site.netloc,
            use_https=site.scheme == "https",
            subject_template_name=RESET_SUBJECT,
            email_template_name=RESET_EMAIL,
        )
    except (OSError, smtplib.SMTPException) as error:
        if attempt > len(RETRY_DELAYS):
            logger.error("giving up the password reset e-mail after %d attempts: %s", attempt, error)
            raise
        delay = RETRY_DELAYS[attempt - 1]
        logger.warning("password reset e-mail failed (attempt %d), retrying in %ds: %s", attempt, delay, error)
        send_password_reset.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
            email, attempt=attempt + 1
        )
        return 0
    return sum(1 for _user in form.get_users(email))
