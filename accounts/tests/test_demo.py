import pytest
from django.core.management import call_command

from accounts.models import User
from courses.models import Course, Enrollment

pytestmark = pytest.mark.django_db


def test_demo_data_loads_once_and_can_log_in():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    counts = (User.objects.count(), Course.objects.count(), Enrollment.objects.count())
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert (User.objects.count(), Course.objects.count(), Enrollment.objects.count()) == counts == (6, 3, 3)
    assert User.objects.get(username="teacher").check_password("learn-together-2026")
    assert User.objects.get(username="admin").is_superuser
