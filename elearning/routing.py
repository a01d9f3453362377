"""WebSocket routes of the whole site, gathered from the apps that have live features."""

websocket_urlpatterns: list = []
