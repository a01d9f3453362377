from django.urls import path

from . import upload_views, views

app_name = "courses"

urlpatterns = [
    path("", views.CatalogueView.as_view(), name="catalogue"),
    path("new/", views.CourseCreateView.as_view(), name="create"),
    path("<int:pk>/", views.course_detail, name="detail"),
    path("<int:pk>/edit/", views.CourseUpdateView.as_view(), name="edit"),
    path("<int:pk>/delete/", views.CourseDeleteView.as_view(), name="delete"),
    path("<int:pk>/enroll/", views.course_enroll, name="enroll"),
    path("<int:pk>/unenroll/", views.course_unenroll, name="unenroll"),
    path("<int:pk>/roster/", views.roster, name="roster"),
    path("<int:pk>/roster/add/", views.roster_add, name="roster_add"),
    path("<int:pk>/roster/<int:student_id>/remove/", views.roster_action, {"action": "remove"}, name="roster_remove"),
    path("<int:pk>/roster/<int:student_id>/block/", views.roster_action, {"action": "block"}, name="roster_block"),
    path("<int:pk>/roster/<int:student_id>/unblock/", views.roster_action, {"action": "unblock"}, name="roster_unblock"),
    path("<int:pk>/people/<str:username>/card/", views.member_card, name="member_card"),
    path("<int:pk>/materials/new/", views.material_upload, name="material_upload"),
    # The upload page sends a file in pieces (courses/chunked_uploads.py).
    path("<int:pk>/materials/uploads/", upload_views.upload_start, name="material_upload_start"),
    path("<int:pk>/materials/uploads/<uuid:upload_id>/", upload_views.upload_piece, name="material_upload_piece"),
    path(
        "<int:pk>/materials/uploads/<uuid:upload_id>/cancel/", upload_views.upload_cancel,
        name="material_upload_cancel",
    ),
    path("<int:pk>/materials/<int:material_id>/", views.material_download, name="material_download"),
    path("<int:pk>/materials/<int:material_id>/edit/", views.material_edit, name="material_edit"),
    path("<int:pk>/materials/<int:material_id>/delete/", views.material_delete, name="material_delete"),
    path("<int:pk>/feedback/", views.feedback, name="feedback"),
]
