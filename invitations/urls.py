"""Under /accounts/invitations/ (the accept page /invite/<token>/ and /join/<code>/ are wired in
elearning/urls.py, pointing at this app's views)."""

from django.urls import path, re_path

from . import views

app_name = "invitations"

urlpatterns = [
    path("", views.InvitationListView.as_view(), name="list"),
    path("new/", views.InvitationCreateView.as_view(), name="new"),
    path("<int:pk>/resend/", views.invitation_resend, name="resend"),
    path("<int:pk>/revoke/", views.invitation_revoke, name="revoke"),
    path("bulk/", views.BulkUploadView.as_view(), name="bulk"),
    re_path(r"^bulk/template\.(?P<fmt>csv|xlsx)$", views.bulk_template, name="bulk_template"),
    path("bulk/<int:pk>/", views.bulk_detail, name="bulk_detail"),
    path("bulk/<int:pk>/confirm/", views.bulk_confirm, name="bulk_confirm"),
    path("bulk/<int:pk>/cancel/", views.bulk_cancel, name="bulk_cancel"),
    path("bulk/<int:pk>/progress/", views.bulk_progress, name="bulk_progress"),
    path("bulk/<int:pk>/report.csv", views.bulk_report, name="bulk_report"),
    path("join-links/", views.join_links, name="join_links"),
    re_path(r"^join-links/(?P<course_id>[0-9]+)/(?P<action>enable|reset|disable)/$", views.join_link_action, name="join_link_action"),
]
