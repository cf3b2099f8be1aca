"""Query filters name rows by code or slug; the selectors take the rows themselves."""

from __future__ import annotations

MISSING = object()


def lookup(model, field: str, value):
    """The row a filter names, None for no filter, MISSING when it names nothing."""
    if not value:
        return None
    return model.objects.filter(**{field: value}).first() or MISSING


def resolve(filters: dict) -> tuple[dict, bool]:
    """Replace MISSING by None; the bool says whether some filter named nothing (no rows)."""
    unknown = [name for name, value in filters.items() if value is MISSING]
    return {k: (None if v is MISSING else v) for k, v in filters.items()}, bool(unknown)
