"""Query strings are read as strictly as the schema states them.

DRF treats ``?topic=`` on an optional field as "not sent" and takes the last of repeated
parameters. The schema says a slug is at least one character and a parameter is one
value, so a client (or schemathesis) sending ``?topic=`` or ``?page_size=1&page_size=2``
gets a 400 naming the parameter, never a silently different answer.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError


def strict_query(data, fields: dict) -> None:
    """400 for a parameter given twice, or given empty where the schema wants a value."""
    errors = {}
    for name, field in fields.items():
        if name not in data:
            continue
        values = data.getlist(name) if hasattr(data, "getlist") else [data[name]]
        if len(values) > 1:
            errors[name] = [_("Give this parameter once.")]
        elif values[0] == "" and not getattr(field, "allow_blank", False):
            errors[name] = [_("This parameter may not be empty: leave it out instead.")]
    if errors:
        raise ValidationError(errors)


class QuerySerializer(serializers.Serializer):
    """A serializer of query parameters that refuses what its schema does not allow."""

    def run_validation(self, data=serializers.empty):
        if data is not serializers.empty and data is not None:
            strict_query(data, self.fields)
        return super().run_validation(data)


# NUL cannot be stored or searched; the pattern says so, so a client learns it from the schema.
# (Empty is allowed by allow_blank: the schema's other oneOf branch, so not matched here.)
NO_NUL = r"^[^\x00]+$"


def text_param(max_length: int, help_text: str) -> serializers.RegexField:
    """Free text; empty means no filter."""
    return serializers.RegexField(
        NO_NUL, required=False, allow_blank=True, max_length=max_length, help_text=help_text
    )


def code_param(help_text: str, max_length: int = 60) -> serializers.SlugField:
    """A code or slug (letters, digits, ``-`` and ``_``). One naming nothing finds nothing."""
    return serializers.SlugField(required=False, max_length=max_length, help_text=help_text)


def country_param(help_text: str) -> serializers.RegexField:
    return serializers.RegexField(
        r"^[A-Za-z]{2}$", required=False, max_length=2, help_text=help_text
    )
