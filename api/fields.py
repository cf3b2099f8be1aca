"""Fields naming a row by its code or slug, refused before any query when malformed.

A NUL character in a looked-up value makes PostgreSQL fail the query (a 500), so a value
that could not be a code (not text, NUL inside, too long) is a 400 first, and the schema
says what a code looks like.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

CODE_PATTERN = r"^[^\x00\s]{1,100}$"


@extend_schema_field({"type": "string", "pattern": CODE_PATTERN})
class CodeRelatedField(serializers.SlugRelatedField):
    """``SlugRelatedField`` (``slug_field="pk"`` for rows keyed by their code)."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or not data or "\x00" in data or len(data) > 100:
            self.fail("invalid")
        if any(c.isspace() for c in data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)
