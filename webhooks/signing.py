"""The signature receivers check: HMAC-SHA256 of ``<timestamp>.<body>`` with the shared
secret. The timestamp (Unix seconds) travels in its own header; a receiver refuses a
delivery whose timestamp is more than ``REPLAY_WINDOW`` seconds from its clock, so a
captured request cannot be replayed later, and a changed timestamp breaks the signature.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time

HEADER = "X-Frontline-Signature"
TIMESTAMP_HEADER = "X-Frontline-Timestamp"
REPLAY_WINDOW = 300  # seconds either side of the receiver's clock


def secret_generate() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def body_bytes(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def signature(secret: str, body: bytes, timestamp: int) -> str:
    signed = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes, now: float | None = None) -> dict[str, str]:
    """The timestamp and signature headers of one delivery attempt."""
    timestamp = int(time.time() if now is None else now)
    return {TIMESTAMP_HEADER: str(timestamp), HEADER: signature(secret, body, timestamp)}


def signature_valid(
    secret: str, body: bytes, header: str, timestamp: str, *, now: float | None = None
) -> bool:
    """What a receiver does (and the tests' server): a fresh timestamp, then the HMAC
    compared in constant time."""
    if not (timestamp or "").isdigit():
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > REPLAY_WINDOW:
        return False
    return hmac.compare_digest(signature(secret, body, int(timestamp)), header or "")
