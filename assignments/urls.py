from django.urls import path

from . import views

app_name = "assignments"

# Included under courses/<int:course_id>/assignments/ (elearning/urls.py).
urlpatterns = [
    path("", views.assignment_list, name="list"),
    path("new/", views.assignment_new, name="new"),
    path("new/manual/", views.assignment_new_manual, name="new_manual"),
    path("runs/<int:run_id>/", views.run_detail, name="run"),
    path("<int:pk>/", views.assignment_detail, name="detail"),
    path("<int:pk>/settings/", views.assignment_settings, name="settings"),
    path("<int:pk>/publish/", views.assignment_publish, name="publish"),
    path("<int:pk>/unpublish/", views.assignment_unpublish, name="unpublish"),
    path("<int:pk>/delete/", views.assignment_delete, name="delete"),
    path("<int:pk>/items/add/", views.item_add, name="item_add"),
    path("<int:pk>/items/<int:item_id>/", views.item_edit, name="item_edit"),
    path("<int:pk>/items/<int:item_id>/delete/", views.item_delete, name="item_delete"),
    path("<int:pk>/items/<int:item_id>/move/", views.item_move, name="item_move"),
    path("<int:pk>/items/<int:item_id>/regenerate/", views.item_regenerate, name="item_regenerate"),
    path("<int:pk>/submit/", views.quiz_submit, name="submit"),
    path("<int:pk>/result/", views.quiz_result, name="result"),
    path("<int:pk>/submissions/", views.submissions, name="submissions"),
    path("<int:pk>/submissions.csv", views.submissions_csv, name="submissions_csv"),
    path("<int:pk>/export/<slug:fmt>/", views.assignment_export, name="export"),
]
