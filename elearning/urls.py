"""Top-level URL map; each app owns its own ``urls.py`` with ``app_name`` set."""

from django.contrib import admin
from django.urls import include, path, re_path

from accounts import views as account_views
from invitations import views as invitation_views

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/invitations/", include("invitations.urls")),
    # The people search adds students to courses, so it belongs to the courses layer.
    path("accounts/search/", include("courses.people_urls")),
    path("accounts/", include("accounts.urls")),
    path("invite/<str:token>/", invitation_views.accept, name="invite_accept"),
    path("join/", invitation_views.join_enter, name="join_enter"),
    path("join/<str:code>/", invitation_views.join, name="join"),
    path("courses/", include("courses.urls")),
    path("courses/<int:course_id>/classroom/", include("classroom.urls")),
    path("courses/<int:course_id>/assignments/", include("assignments.urls")),
    path("assignments/model-key/", include("assignments.key_urls")),
    path("notifications/", include("notifications.urls")),
    path("admin/", admin.site.urls),
    # Profile photos are public, re-encoded images under their own folder; nothing else under
    # MEDIA_ROOT is ever served from a public URL (course materials go through checked views).
    re_path(r"^media/avatars/(?P<name>[0-9a-f]{32}\.jpg)$", account_views.avatar, name="avatar"),
]
