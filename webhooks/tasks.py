"""Thin task: one attempt per run; a failure is retried with exponential backoff."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from webhooks.services import delivery_attempt


def backoff(retries: int) -> int:
    """Seconds before the next attempt: base, 2×base, 4×base ... at most an hour."""
    base = getattr(settings, "WEBHOOKS_RETRY_BASE_SECONDS", 30)
    return min(base * 2**retries, 3600)


@shared_task(name="webhooks.tasks.deliver", bind=True, max_retries=None)
def deliver(self, webhook_id: int, event_id: int) -> bool:
    attempt = self.request.retries + 1
    delivery = delivery_attempt(webhook_id=webhook_id, event_id=event_id, attempt=attempt)
    if delivery is None or delivery.succeeded:
        return delivery is not None
    if attempt >= getattr(settings, "WEBHOOKS_MAX_ATTEMPTS", 8):
        return False  # given up; every attempt is on the agency admin's page
    raise self.retry(countdown=backoff(self.request.retries))
