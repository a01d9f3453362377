"""The teacher's personal model key page, outside any course (/assignments/model-key/)."""

from django.urls import path

from . import views

app_name = "model_key"

urlpatterns = [
    path("", views.model_key, name="edit"),
    path("delete/", views.model_key_delete, name="delete"),
]
