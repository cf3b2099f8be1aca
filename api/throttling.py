"""API rate limits. Rates are read from settings when a request comes, not at import."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

DEFAULT_RATES = {"anon": "120/minute", "user": "1200/minute"}


def _rate(scope: str) -> str | None:
    rates = getattr(settings, "REST_FRAMEWORK", {}).get("DEFAULT_THROTTLE_RATES") or {}
    return rates.get(scope, DEFAULT_RATES.get(scope))


class AnonThrottle(AnonRateThrottle):
    def get_rate(self):
        return _rate(self.scope)


class UserThrottle(UserRateThrottle):
    def get_rate(self):
        return _rate(self.scope)
