"""OpenAPI: every operation documents the one error body for the 4xx it can answer, and
who may call it.

A read that anyone may make is declared with optional authentication
(``security: [{}, {bearerAuth: []}]``): the token only widens what it shows.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from rest_framework.permissions import SAFE_METHODS, AllowAny

from api.permissions import ReadAnyoneWriteSignedIn
from api.serializers import ErrorSerializer

NOT_VISIBLE = (
    "Not found, or not visible to you: a procedure, version or file you may not see (an "
    "anonymous caller included) answers 404, never 403, so its existence is not revealed"
)
ALWAYS = {"400": "Invalid input", "404": NOT_VISIBLE, "429": "Rate limited"}
WRITES = {
    "401": "Not signed in",
    "403": "Not allowed",
    "409": "Conflict: not possible in the current state (e.g. submitting a version in review)",
    "415": "Media type: bodies are JSON (uploads: multipart/form-data)",
}
EDITS = {"412": "Stale ETag: nothing changed", "428": "If-Match missing"}
PUBLIC_PERMISSIONS = (AllowAny, ReadAnyoneWriteSignedIn)


class AutoSchema(BaseAutoSchema):
    def _is_public(self) -> bool:
        return self.method in SAFE_METHODS and all(
            isinstance(p, PUBLIC_PERMISSIONS) for p in self.view.get_permissions()
        )

    def get_auth(self):
        auths = super().get_auth()
        if self._is_public() and {} not in auths:
            auths.append({})
        return auths

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = dict(ALWAYS)
        if self.method not in SAFE_METHODS or not self._is_public():
            codes.update(WRITES)
        if self.method == "GET":
            codes.update({"401": "Not signed in, or the token is unknown", "403": "Not allowed"})
        if self.method in ("PUT", "PATCH"):
            codes.update(EDITS)
        if self.method not in SAFE_METHODS:
            codes["405"] = "Method not allowed"
        for code, description in codes.items():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code)
                response["description"] = description
                responses[code] = response
        return responses
