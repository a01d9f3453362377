"""The admin's notification pages: announcements and edits keep links on this site."""

import pytest

from notifications.models import Notification
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db

OFF_SITE = ["https://evil.example/phish", "//evil.example/", "/\\evil.example", "javascript:alert(1)"]


@pytest.mark.parametrize("link", OFF_SITE)
def test_an_announcement_cannot_link_off_site(login, admin_user, student, link):
    response = login(admin_user).post(
        "/admin/notifications/notification/add/",
        {"recipient": student.pk, "title": "Read this", "message": "", "link": link},
    )
    assert response.status_code == 200 and "Use a path on this site" in response.content.decode()
    assert not Notification.objects.exists()


@pytest.mark.parametrize("link", OFF_SITE)
def test_editing_a_notification_cannot_link_off_site(login, admin_user, student, link):
    notification = NotificationFactory(recipient=student, link="/courses/")
    response = login(admin_user).post(
        f"/admin/notifications/notification/{notification.pk}/change/",
        {"recipient": student.pk, "title": notification.title, "message": "", "link": link, "email_status": "none"},
    )
    assert response.status_code == 200 and "Use a path on this site" in response.content.decode()
    notification.refresh_from_db()
    assert notification.link == "/courses/"
