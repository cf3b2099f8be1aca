"""The signature receivers check: HMAC-SHA256 of the exact body bytes with the shared secret."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets

HEADER = "X-Frontline-Signature"


def secret_generate() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def body_bytes(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_valid(secret: str, body: bytes, header: str) -> bool:
    """What a receiver does (and the tests' server): compare in constant time."""
    return hmac.compare_digest(signature(secret, body), header or "")
