"""ASGI entry point: HTTP through Django, WebSockets through Channels' router."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontline.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from frontline.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        # WhiteNoise (a middleware) serves static files in every mode: compressed, and
        # hashed names cached for a year (under DEBUG it also finds unhashed ones).
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
