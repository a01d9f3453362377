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
