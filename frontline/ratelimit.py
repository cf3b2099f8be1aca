"""Counting attempts in Django's cache: a bounded number per account and per address.

The counter is created with its expiry (``add``) and then increased atomically
(``incr``), so concurrent requests on several web nodes sharing Redis count together.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    name: str
    attempts: int
    window: int  # seconds


DEFAULT_LIMITS = {
    "login-account": (5, 15 * 60),
    "login-address": (30, 15 * 60),
    "reset-account": (3, 60 * 60),
    "reset-address": (10, 60 * 60),
    # Sign-up says whether a username or an address is taken: bounded per address.
    "signup-address": (10, 60 * 60),
    "verify-mail-account": (3, 60 * 60),
    # The search page, like the API's throttles: per address, and per signed-in account.
    "search-address": (120, 60),
    "search-account": (1200, 60),
}


def limit(name: str) -> Limit:
    """The limit called ``name``; ``FRONTLINE_RATE_LIMITS`` in settings overrides the default."""
    attempts, window = getattr(settings, "FRONTLINE_RATE_LIMITS", {}).get(
        name, DEFAULT_LIMITS[name]
    )
    return Limit(name, attempts, window)


def _key(limit: Limit, who: str) -> str:
    digest = hashlib.sha256(who.strip().lower().encode("utf-8")).hexdigest()[:32]
    return f"ratelimit:{limit.name}:{digest}"


def ratelimit_hit(limit: Limit, who: str) -> int:
    """Count one attempt by ``who``; returns the attempts in the current window."""
    key = _key(limit, who)
    for _ in range(2):
        cache.add(key, 0, timeout=limit.window)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr: start a new window
            continue
    return 1


def ratelimit_exceeded(limit: Limit, who: str) -> bool:
    return (cache.get(_key(limit, who)) or 0) >= limit.attempts


def ratelimit_reset(limit: Limit, who: str) -> None:
    cache.delete(_key(limit, who))


def client_address(request) -> str:
    """The address the request came from (daphne --proxy-headers sets it behind a proxy)."""
    return request.META.get("REMOTE_ADDR") or "unknown"
