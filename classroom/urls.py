from django.urls import path

from . import views

app_name = "classroom"

# Mounted at courses/<int:course_id>/classroom/ by elearning/urls.py.
urlpatterns = [
    path("", views.room, name="room"),
    path("messages/", views.chat_messages, name="messages"),
]
