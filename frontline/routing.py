"""WebSocket routes. The notification consumer is added by the notifications app."""

websocket_urlpatterns: list = []
