"""ASGI entry point: HTTP through Django, WebSockets through Channels' router."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontline.settings")
from frontline import asgi_handler  # noqa: E402

# Django's handler: middleware in one thread hop, a few requests at a time (asgi_handler.py).
django_asgi_app = asgi_handler.application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from events.inprocess import RunJobsAfterResponse  # noqa: E402
from frontline.daphne_bodies import leave_bodies_to_the_app  # noqa: E402
from frontline.request_size import RequestSizeLimit  # noqa: E402
from frontline.routing import websocket_urlpatterns  # noqa: E402
from frontline.websocket_origin import SameOriginValidator  # noqa: E402
from search.warmup import warm_before_serving  # noqa: E402

leave_bodies_to_the_app()
# The first search must not pay for opening the index and filling its caches: warmed
# here, while daphne imports the application, before it listens.
warm_before_serving()

application = ProtocolTypeRouter(
    {
        # WhiteNoise (a middleware) serves static files in every mode: compressed, and
        # hashed names cached for a year (under DEBUG it also finds unhashed ones).
        "http": RequestSizeLimit(django_asgi_app),
        "websocket": SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
if settings.CELERY_TASK_ALWAYS_EAGER:
    # No worker in the embedded default: outbox work runs in this process, after the response.
    application = RunJobsAfterResponse(application)
