"""Make SQLite's LIKE case-insensitive beyond ASCII, as PostgreSQL's ILIKE is.

SQLite folds only ASCII letters, so on the embedded default a search for "шевч" would
miss "Шевченко" while PostgreSQL finds it. Names here are written in Cyrillic,
Georgian, Armenian and Latin with diacritics, so the embedded default replaces LIKE
with a Unicode-aware one. (Django's ``contains`` on SQLite is case-insensitive
already; this keeps that and extends it.)
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.db.backends.signals import connection_created


@lru_cache(maxsize=512)
def _like_regex(pattern: str, escape: str | None) -> re.Pattern:
    parts, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if escape and char == escape and i + 1 < len(pattern):
            parts.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        parts.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
        i += 1
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def unicode_like(pattern, value, escape=None) -> bool | None:
    if pattern is None or value is None:
        return None
    return _like_regex(str(pattern).casefold(), escape).fullmatch(str(value).casefold()) is not None


def _install(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("like", 2, unicode_like, deterministic=True)
        connection.connection.create_function("like", 3, unicode_like, deterministic=True)


def install() -> None:
    connection_created.connect(_install, dispatch_uid="frontline-unicode-like")
