import pytest
from django.urls import reverse

from accounts.models import User

from .factories import StudentFactory, TeacherFactory

pytestmark = pytest.mark.django_db


def test_admin_lists_searches_and_filters_users(login, admin_user):
    StudentFactory(username="findme", full_name="Zed Zebra", email="zed@school.test")
    TeacherFactory(username="teach1")
    client = login(admin_user)
    url = reverse("admin:accounts_user_changelist")
    assert "findme" in client.get(url, {"q": "zebra"}).content.decode()
    teachers = client.get(url, {"role__exact": "teacher"}).content.decode()
    assert "teach1" in teachers and "findme" not in teachers


def test_admin_block_and_unblock_actions(login, admin_user):
    victims = StudentFactory.create_batch(3)
    client = login(admin_user)
    url = reverse("admin:accounts_user_changelist")
    ids = [str(u.pk) for u in victims] + [str(admin_user.pk)]
    response = client.post(url, {"action": "block_users", "_selected_action": ids}, follow=True)
    assert "3 users blocked." in response.content.decode()
    assert User.objects.filter(is_blocked=True).count() == 3
    admin_user.refresh_from_db()
    assert not admin_user.is_blocked  # never locks out the admin doing it
    client.post(url, {"action": "unblock_users", "_selected_action": ids[:1]})
    assert User.objects.filter(is_blocked=True).count() == 2


def test_admin_changelist_query_count_is_flat(login, admin_user):
    from elearning.testing.queries import assert_queries_flat

    client = login(admin_user)
    url = reverse("admin:accounts_user_changelist")
    assert_queries_flat(lambda: client.get(url), lambda n: StudentFactory.create_batch(n))


def test_admin_dashboard_query_count_is_flat(login, admin_user):
    from elearning.testing.queries import assert_queries_flat

    client = login(admin_user)
    assert_queries_flat(lambda: client.get("/"), lambda n: StudentFactory.create_batch(n))
    counts = client.get("/").context["counts"]
    assert counts == {"students": 50, "teachers": 0, "admins": 1, "blocked": 0}


def test_staff_show_as_admin_and_the_form_has_one_name_field(login, admin_user, teacher):
    client = login(admin_user)
    listing = client.get("/admin/accounts/user/").content.decode()
    assert listing.count(">Admin<") >= 1  # the admin's own row, not "Teacher"
    form = client.get(f"/admin/accounts/user/{teacher.pk}/change/").content.decode()
    assert 'name="full_name"' in form and 'name="first_name"' not in form and 'name="last_name"' not in form
    home = client.get("/").content.decode()
    assert "role-badge\">Admin<" in home
