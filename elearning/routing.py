"""WebSocket routes of the whole site, gathered from the apps that have live features."""

from classroom.routing import websocket_urlpatterns as classroom_routes
from notifications.routing import websocket_urlpatterns as notification_routes

websocket_urlpatterns: list = []
websocket_urlpatterns += notification_routes
websocket_urlpatterns += classroom_routes
