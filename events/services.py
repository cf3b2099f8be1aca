"""Writing events to the outbox and running their handlers exactly once."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from events.models import Event, HandlerRun
from events.registry import handlers_for, resolve
from events.schemas import check_payload

log = logging.getLogger(__name__)

# A claim older than this is taken to belong to a worker that died mid-run.
STALE_CLAIM = timedelta(minutes=10)


def event_emit(*, kind: str, actor=None, target: str = "", payload: dict) -> Event:
    """Write an event in the caller's transaction; it is dispatched once that commits.

    A rollback removes the row and the dispatch with it, so nothing is announced that
    did not happen.
    """
    check_payload(kind, payload)
    event = Event.objects.create(kind=kind, actor=actor, target=target, payload=payload)
    transaction.on_commit(lambda: _enqueue_dispatch(event.pk))
    return event


def _enqueue_dispatch(event_id: int) -> None:
    from events.tasks import dispatch

    try:
        dispatch.delay(event_id)
    except Exception:  # broker down: the event stays pending and beat retries it
        log.exception("could not enqueue dispatch of event %s; beat will retry", event_id)


def event_dispatch(*, event_id: int) -> int:
    """Enqueue one task per registered handler; mark the event dispatched. Returns the count."""
    from events.tasks import run_handler

    event = Event.objects.get(pk=event_id)
    paths = handlers_for(event.kind)
    for path in paths:
        run_handler.delay(event_id, path)
    Event.objects.filter(pk=event_id, dispatched__isnull=True).update(dispatched=timezone.now())
    return len(paths)


def handler_claim(*, event_id: int, handler: str) -> bool:
    """Claim a handler's run for an event; False when it has run or is running elsewhere."""
    try:
        with transaction.atomic():
            HandlerRun.objects.get_or_create(event_id=event_id, handler=handler)
    except IntegrityError:
        pass  # created by a concurrent claim; the conditional update below decides
    now = timezone.now()
    free = HandlerRun.objects.filter(event_id=event_id, handler=handler, finished__isnull=True)
    claimed = free.filter(claimed__isnull=True).update(claimed=now) or free.filter(
        claimed__lt=now - STALE_CLAIM
    ).update(claimed=now)
    return bool(claimed)


def handler_run(*, event_id: int, handler: str) -> bool:
    """Run ``handler`` for the event once. Returns False if it had already run.

    On failure the claim is released so a retry can run it; the error is recorded and
    re-raised for the task's retry policy.
    """
    if not handler_claim(event_id=event_id, handler=handler):
        return False
    runs = HandlerRun.objects.filter(event_id=event_id, handler=handler)
    try:
        # A handler's writes land whole or not at all, so a retry starts clean.
        with transaction.atomic():
            resolve(handler)(Event.objects.get(pk=event_id))
    except Exception as exc:
        runs.update(claimed=None, attempts=F("attempts") + 1, last_error=repr(exc)[:2000])
        raise
    runs.update(finished=timezone.now())
    return True


def events_pending(*, older_than: timedelta = timedelta(seconds=30)):
    """Events never dispatched, or dispatched with a handler that has not finished."""
    cutoff = timezone.now() - older_than
    return Event.objects.filter(created__lt=cutoff, dispatched__isnull=True)


def events_redispatch_pending(*, older_than: timedelta = timedelta(seconds=30)) -> int:
    """Dispatch again what is still pending, and re-run handlers that failed."""
    from events.tasks import run_handler

    count = 0
    for event_id in events_pending(older_than=older_than).values_list("pk", flat=True):
        event_dispatch(event_id=event_id)
        count += 1
    now = timezone.now()
    unfinished = HandlerRun.objects.filter(
        finished__isnull=True, event__created__lt=now - older_than
    )
    retry = unfinished.filter(claimed__isnull=True) | unfinished.filter(
        claimed__lt=now - STALE_CLAIM
    )
    for event_id, handler in retry.values_list("event_id", "handler"):
        run_handler.delay(event_id, handler)
        count += 1
    return count
