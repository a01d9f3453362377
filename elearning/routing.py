"""WebSocket routes of the whole site, gathered from the apps that have live features."""

from django.urls import re_path

from classroom.routing import websocket_urlpatterns as classroom_routes
from notifications.routing import websocket_urlpatterns as notification_routes

from .consumers import UnknownRouteConsumer

websocket_urlpatterns: list = []
websocket_urlpatterns += notification_routes
websocket_urlpatterns += classroom_routes
websocket_urlpatterns.append(re_path(r"", UnknownRouteConsumer.as_asgi()))  # last: anything else
