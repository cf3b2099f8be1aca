"""Outbox handler: one delivery task per active webhook of the procedure's agency."""

from __future__ import annotations

from events.models import Event
from webhooks.services import webhooks_for


def webhooks_enqueue(event: Event) -> None:
    from webhooks.tasks import deliver

    for webhook_id in webhooks_for(event):
        deliver.delay(webhook_id, event.pk)
