"""The WebSocket Origin check: same origin as the page (scheme, host and port), as Django's
CSRF check does for forms.

Channels' ``AllowedHostsOriginValidator`` compares host names only, so a page served on
any port of an allowed host (``http://127.0.0.1:9999``) could open a socket with the
visitor's cookies. Here the Origin must equal the socket's own origin (its Host header,
whose name must be in ``ALLOWED_HOSTS``, with the scheme the visitor used) or one of
``CSRF_TRUSTED_ORIGINS``.
"""

from __future__ import annotations

from urllib.parse import urlparse

from channels.security.websocket import OriginValidator, WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEBUG_HOSTS = [".localhost", "127.0.0.1", "[::1]"]  # as Django allows with DEBUG and no hosts


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin1")
    return None


def _is_secure(scope) -> bool:
    """wss:// directly, or behind a TLS proxy that says so (``SECURE_PROXY_SSL_HEADER``)."""
    if scope.get("scheme") in ("wss", "https"):
        return True
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy:
        name, expected = proxy
        header = name.removeprefix("HTTP_").replace("_", "-").lower().encode()
        return (_header(scope, header) or "").split(",")[0].strip() == expected
    return False


def site_origins(scope) -> list[str]:
    """The origins a socket opened on this connection may come from."""
    origins = list(getattr(settings, "CSRF_TRUSTED_ORIGINS", []))
    host = _header(scope, b"host")
    if host:
        domain, _port = split_domain_port(host)
        allowed = settings.ALLOWED_HOSTS or (DEBUG_HOSTS if settings.DEBUG else [])
        if domain and validate_host(domain, allowed):
            origins.append(f"{'https' if _is_secure(scope) else 'http'}://{host}")
    return origins


class SameOriginValidator(OriginValidator):
    """Deny a WebSocket whose Origin is not exactly one of :func:`site_origins`."""

    def __init__(self, application):
        super().__init__(application, allowed_origins=[])

    async def __call__(self, scope, receive, send):
        origin = _header(scope, b"origin")
        parsed = urlparse(origin) if origin else None
        if parsed is not None and any(
            self.match_allowed_origin(parsed, allowed) for allowed in site_origins(scope)
        ):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)
