import pytest
from django.core.management import call_command

from accounts.models import User
from courses.models import Course, CourseMaterial, Enrollment, Feedback
from courses.selectors import statuses_for

pytestmark = pytest.mark.django_db


def test_demo_data_loads_once_and_can_log_in():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    models = (User, Course, Enrollment, CourseMaterial, Feedback)
    counts = tuple(model.objects.count() for model in models)
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert tuple(model.objects.count() for model in models) == counts == (6, 3, 3, 2, 2)
    assert User.objects.get(username="teacher").check_password("learn-together-2026")
    assert User.objects.get(username="admin").is_superuser


def test_demo_statuses_are_seen_by_classmates():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    call_command("load_demo", stdout=open("/dev/null", "w"))
    bob = User.objects.get(username="bob")
    assert [s.user.username for s in statuses_for(viewer=bob)] == ["alice", "teacher"]
