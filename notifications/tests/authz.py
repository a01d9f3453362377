"""Authorization rows for the notifications URLs (see elearning.testing.authz).

The world's teacher owns one notification; it is a 404 for everyone else, admins included
(notifications are private; admins see them in the Django admin).
"""

from elearning.testing.authz import NOT_ALLOWED, NOT_FOUND, OK, TO_LOGIN, Case, everyone, redirect, signed_in


def teacher_notification_url(w):
    from notifications.tests.factories import NotificationFactory

    notification = NotificationFactory(recipient=w.teacher, link=f"/courses/{w.course.pk}/roster/")
    return f"/notifications/{notification.pk}/read/"


MATRIX = {
    "notifications:centre": Case(lambda w: "/notifications/", signed_in(OK)),
    "notifications:read": Case(teacher_notification_url, everyone(NOT_ALLOWED)),
    "notifications:read POST": Case(
        teacher_notification_url,
        {**everyone(NOT_FOUND), "anonymous": TO_LOGIN, "teacher": redirect("/courses/")},
        method="post",
    ),
    "notifications:read_all": Case(lambda w: "/notifications/read-all/", everyone(NOT_ALLOWED)),
    "notifications:read_all POST": Case(
        lambda w: "/notifications/read-all/", signed_in(redirect("/notifications/")), method="post"
    ),
}
