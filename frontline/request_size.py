"""The request-size cap, applied by the ASGI app before Django reads the body.

Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is checked only after the ASGI handler has
spooled the whole body, and uploads have no total cap at all. This wrapper answers 413
from ``Content-Length`` alone, before Django reads a byte, and cuts off a chunked body
that grows past the cap. (daphne, through Twisted, buffers each body to a temporary
file before calling any app; a proxy's cap, in SECURITY.md's checklist, stops it sooner.) Multipart requests (uploads) may carry
``FRONTLINE_MAX_REQUEST_BYTES``; every other body ``DATA_UPLOAD_MAX_MEMORY_SIZE``.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.utils.translation import gettext as _


def request_limit(headers: dict[bytes, bytes]) -> int:
    content_type = headers.get(b"content-type", b"").lower()
    if content_type.startswith(b"multipart/"):
        return settings.FRONTLINE_MAX_REQUEST_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def too_large_message(limit: int) -> str:
    return _("The request is too large: the limit is %(mb)d MB.") % {"mb": limit // (1 << 20)}


class RequestSizeLimit:
    """ASGI middleware for the ``http`` scope."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        limit = request_limit(headers)
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            return await self._refuse(scope, send, limit)
        received = 0

        async def counted():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:  # a chunked body past the cap: stop reading it
                    return {"type": "http.disconnect"}
            return message

        return await self.app(scope, counted, send)

    @staticmethod
    async def _refuse(scope, send, limit: int) -> None:
        message = too_large_message(limit)
        if scope.get("path", "").startswith("/api/"):
            body = json.dumps({"error": {"status": 413, "message": message, "fields": {}}})
            content_type = b"application/json"
        else:
            body, content_type = message, b"text/plain; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", content_type),
                    (b"connection", b"close"),
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body.encode()})
