"""Making and recognising API tokens. Pure functions: no database here."""

from __future__ import annotations

import hashlib
import secrets

PREFIX = "fl_"
PREFIX_SHOWN = 10


def token_generate() -> str:
    """A new random token: 256 bits of entropy behind a recognisable prefix."""
    return PREFIX + secrets.token_urlsafe(32)


def token_digest(raw: str) -> str:
    """What is stored and looked up. A fast hash suffices: tokens are long and random."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()
