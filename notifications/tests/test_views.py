"""The notification centre, mark read / all read, and the navbar badge."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import StudentFactory
from elearning.testing.queries import assert_queries_flat
from notifications.consumers import CLOSE_NOT_SIGNED_IN
from notifications.models import Notification
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db
CENTRE = "/notifications/"


def badge(html: str) -> str:
    match = re.search(r'<a[^>]*id="notification-badge".*?</a>', html, re.DOTALL)
    assert match, "no notification badge on the page"
    return match.group(0)


def test_centre_lists_own_notifications_newest_first_unread_highlighted(login, teacher):
    old = NotificationFactory(recipient=teacher, title="Older one", is_read=True)
    new = NotificationFactory(recipient=teacher, title="Newer <b>one</b>")
    NotificationFactory(title="Someone else's")
    response = login(teacher).get(CENTRE)
    html = response.content.decode()
    assert list(response.context["notifications"]) == [new, old]
    assert "Someone else" not in html
    assert "Newer &lt;b&gt;one&lt;/b&gt;" in html and "<b>one</b>" not in html
    items = re.findall(r'<li class="list-group-item[^"]*">', html)
    assert "notification-unread" in items[0] and "notification-unread" not in items[1]


def test_centre_paginates_and_survives_bad_page_numbers(login, teacher):
    NotificationFactory.create_batch(45, recipient=teacher)
    client = login(teacher)
    first = client.get(CENTRE)
    assert len(first.context["notifications"]) == 20
    assert "Page 1 of 3" in first.content.decode()
    assert len(client.get(CENTRE + "?page=3").context["notifications"]) == 5
    for bad in ("abc", "99", "-1", "1e9"):
        response = client.get(CENTRE, {"page": bad})
        assert response.status_code == 200


def test_centre_needs_login(client):
    response = client.get(CENTRE)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/?next=")


def test_empty_centre_says_so(login, student):
    assert "No notifications yet" in login(student).get(CENTRE).content.decode()


def test_opening_marks_read_and_goes_to_the_link(login, teacher):
    notification = NotificationFactory(recipient=teacher, link="/courses/7/roster/")
    response = login(teacher).post(f"/notifications/{notification.pk}/read/")
    assert response.status_code == 302 and response.url == "/courses/7/roster/"
    notification.refresh_from_db()
    assert notification.is_read


@pytest.mark.parametrize(
    "link",
    ["", "https://evil.example/phish", "//evil.example/", "/\\evil.example", "javascript:alert(1)",
     "http:/evil.example", "/\tevil"],
)
def test_links_off_the_site_are_refused(login, teacher, link):
    notification = NotificationFactory(recipient=teacher, link=link)
    response = login(teacher).post(f"/notifications/{notification.pk}/read/")
    assert response.status_code == 302 and response.url == CENTRE
    notification.refresh_from_db()
    assert notification.is_read


def test_someone_elses_notification_is_a_404_and_stays_unread(login, teacher, student):
    notification = NotificationFactory(recipient=student)
    assert login(teacher).post(f"/notifications/{notification.pk}/read/").status_code == 404
    notification.refresh_from_db()
    assert not notification.is_read


def test_reading_needs_post(login, teacher):
    notification = NotificationFactory(recipient=teacher)
    assert login(teacher).get(f"/notifications/{notification.pk}/read/").status_code == 405
    assert login(teacher).get("/notifications/read-all/").status_code == 405


def test_mark_all_read_touches_only_own(login, teacher, student):
    NotificationFactory.create_batch(3, recipient=teacher)
    NotificationFactory(recipient=student)
    response = login(teacher).post("/notifications/read-all/", follow=True)
    assert "All notifications are marked as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=teacher, is_read=False).exists()
    assert Notification.objects.filter(recipient=student, is_read=False).count() == 1


def test_badge_shows_the_unread_count_with_an_accessible_label(login, teacher):
    NotificationFactory.create_batch(3, recipient=teacher)
    NotificationFactory(recipient=teacher, is_read=True)
    html = badge(login(teacher).get("/").content.decode())
    assert 'aria-label="Notifications, 3 unread"' in html
    assert re.search(r"data-notification-count>3</span>", html)
    html = badge(login(StudentFactory()).get("/courses/").content.decode())
    assert 'aria-label="Notifications, none unread"' in html
    assert "data-notification-count hidden>0" in html


def test_badge_tells_its_script_the_close_code_that_ends_the_socket(login, teacher):
    html = badge(login(teacher).get("/").content.decode())
    assert f'data-final-close-codes="{CLOSE_NOT_SIGNED_IN}"' in html


def test_a_big_count_stays_small_on_screen_and_exact_for_screen_readers(login, teacher):
    Notification.objects.bulk_create(
        Notification(recipient=teacher, type="material", title=f"n{i}") for i in range(120)
    )
    html = badge(login(teacher).get("/").content.decode())
    assert "data-notification-count>99+</span>" in html
    assert 'aria-label="Notifications, 120 unread"' in html


def test_no_badge_and_no_notification_query_for_visitors(client):
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/courses/").content.decode()
    assert 'id="notification-badge"' not in html
    assert not [q for q in queries.captured_queries if "notifications_notification" in q["sql"]]


def test_badge_costs_one_count_query(login, teacher):
    client = login(teacher)
    NotificationFactory.create_batch(5, recipient=teacher)
    with CaptureQueriesContext(connection) as queries:
        client.get("/courses/")
    mine = [q["sql"] for q in queries.captured_queries if "notifications_notification" in q["sql"]]
    assert len(mine) == 1 and "COUNT(" in mine[0].upper()


def test_centre_query_count_is_flat(login, teacher):
    client = login(teacher)

    def grow(n):
        NotificationFactory.create_batch(n, recipient=teacher)

    assert_queries_flat(lambda: client.get(CENTRE), grow)  # 1 row, then 50 (a full page of 20)
    assert_queries_flat(lambda: client.get("/"), grow)  # the badge on any page
