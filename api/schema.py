"""OpenAPI: every operation documents the one error body for the 4xx it can answer."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from rest_framework.permissions import AllowAny

from api.serializers import ErrorSerializer

ALWAYS = {"400": "Invalid input", "404": "Not found, or not visible to you", "429": "Rate limited"}
WRITES = {"401": "Not signed in", "403": "Not allowed", "409": "Conflict", "415": "Media type"}
EDITS = {"412": "Stale ETag: nothing changed", "428": "If-Match missing"}


class AutoSchema(BaseAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = dict(ALWAYS)
        protected = any(not isinstance(p, AllowAny) for p in self.view.get_permissions())
        if self.method not in ("GET", "HEAD", "OPTIONS") or protected:
            codes.update(WRITES)
        if self.method == "GET":
            codes.update({"401": "Not signed in", "403": "Not allowed"})
        if self.method in ("PUT", "PATCH"):
            codes.update(EDITS)
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            codes["405"] = "Method not allowed"
        for code, description in codes.items():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code)
                response["description"] = description
                responses[code] = response
        return responses
