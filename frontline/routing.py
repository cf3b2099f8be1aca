"""WebSocket routes. The notification consumer is added by the notifications app."""

from notifications.routing import websocket_urlpatterns as notification_routes

websocket_urlpatterns: list = [*notification_routes]
