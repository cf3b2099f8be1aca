"""OpenAPI: every operation documents the one error body for the 4xx it can answer, and
who may call it.

A read that anyone may make is declared with optional authentication
(``security: [{}, {bearerAuth: []}]``): the token only widens what it shows.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS, AllowAny

from api.permissions import ReadAnyoneWriteSignedIn
from api.query import NO_NUL
from api.serializers import ErrorSerializer

NOT_VISIBLE = (
    "Not found, or not visible to you: a procedure, version or file you may not see (an "
    "anonymous caller included) answers 404, never 403, so its existence is not revealed"
)
INVALID = (
    "Invalid input, with the reason in `message` and each field's in `fields`: a value the "
    "schema refuses, or a rule it cannot state (a body naming an agency, language, topic or "
    "country that does not exist; dates out of order; an upload that is no PDF, DOCX, XLSX, "
    "PNG or JPEG by its content, or too large; publishing a revision without a change summary; "
    "a next review date that is not in the future; linking a translation to a source or "
    "source version that does not exist, is not visible to you, or breaks a rule of the link: "
    "same agency, another language, one translation per language, no chains)"
)
ALWAYS = {"400": INVALID, "404": NOT_VISIBLE, "429": "Rate limited"}
WRITES = {
    "401": "Not signed in",
    "403": "Not allowed",
    "409": "Conflict: not possible in the current state (e.g. submitting a version in review)",
    "415": "Media type: bodies are JSON (uploads: multipart/form-data)",
}
EDITS = {"412": "Stale ETag: nothing changed", "428": "If-Match missing"}
PUBLIC_PERMISSIONS = (AllowAny, ReadAnyoneWriteSignedIn)

# What DRF's CharField refuses, said in the schema: no NUL character anywhere, and (unless
# blank is allowed) something besides spaces, since the value is trimmed before it is judged.
# A blank-allowed field becomes ``oneOf: [pattern, maxLength: 0]``, so its pattern must not
# match "" as well (oneOf wants exactly one).
NOT_ONLY_SPACES = r"^[^\x00]*[^\x00\s][^\x00]*$"


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

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        result = super()._map_serializer_field(field, direction, bypass_extensions)
        plain_text = type(field) is serializers.CharField and not field.read_only
        if direction == "request" and plain_text and "pattern" not in result:
            blank_ok = field.allow_blank or not field.trim_whitespace
            result["pattern"] = NO_NUL if blank_ok else NOT_ONLY_SPACES
        return result

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
