"""The classroom's WebSocket route, gathered into elearning/routing.py."""

from django.urls import path

from .consumers import ClassroomConsumer

websocket_urlpatterns = [
    path("ws/classroom/<int:course_id>/", ClassroomConsumer.as_asgi()),
]
