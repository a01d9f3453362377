import pytest

from courses.tests.factories import CourseFactory


@pytest.fixture
def course(teacher):
    return CourseFactory(teacher=teacher, title="Algebra 7B", code="MATH-7B")


@pytest.fixture
def smtp_settings(mailbox, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = mailbox.port
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = "https://school.example"
    return settings


@pytest.fixture
def on_commit_now(monkeypatch):
    """Run ``transaction.on_commit`` callbacks at once, inside the test's transaction.

    These tests queue tasks and run them by hand. In a transactional test the queued rows would
    be committed, and the live server's worker (started for the whole session by the browser
    and live tests) could take them first; inside the test's transaction no other process sees
    them."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
