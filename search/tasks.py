"""Index tasks. ``search/routing.py`` sends every ``search.tasks.*`` task to the
``search`` queue, which one worker process consumes (the index's single writer), or to
the broadcast that every host's own single consumer receives for its own copy."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_ready

from search import index
from search.routing import consumes_broadcast

log = logging.getLogger(__name__)

# Seconds between a broadcast consumer's start and its catch-up: the Redis transport
# subscribes to the fanout on the event loop's first turn, after ``worker_ready``, and
# the catch-up must start after that so no update falls between the two.
CATCH_UP_DELAY = 1.0


@shared_task(name="search.tasks.index_documents", bind=True, max_retries=8)
def index_documents(self, keys: list[str]) -> dict:
    """Bring the documents for ``keys`` ("sop:12", "expert:3") in line with the database."""
    try:
        return index.update(keys)
    except index.LockError as exc:
        raise self.retry(exc=exc, countdown=2) from exc


@shared_task(name="search.tasks.repair")
def repair() -> bool:
    """Rebuild the index if it still cannot be opened (a reader found it broken)."""
    try:
        index.open_index()
    except index.IndexUnavailable:
        index.ensure_index()
        return True
    return False


@shared_task(name="search.tasks.rebuild")
def rebuild() -> int:
    return index.rebuild()


@shared_task(name="search.tasks.reconcile")
def reconcile() -> dict:
    """Compare this worker's index copy with the database and repair what differs."""
    return catch_up()


def catch_up() -> dict:
    report = index.check(fix=True)
    found = {
        "missing": len(report.missing),
        "stale": len(report.stale),
        "extra": len(report.extra),
        "rebuilt": int(bool(report.error)),
    }
    log.info("search index copy %s reconciled with the database: %s", report.path, found)
    return found


@worker_ready.connect
def catch_up_on_start(sender, **kwargs) -> None:
    """A broadcast consumer missed whatever was sent while it was down (Redis delivers a
    fanout only to those listening): once it listens, bring its copy up to date, and
    build it if this host has none yet."""
    if consumes_broadcast(sender.app.amqp):
        sender.timer.call_after(CATCH_UP_DELAY, _catch_up_in_worker)


def _catch_up_in_worker() -> None:
    from django.db import close_old_connections

    close_old_connections()
    try:
        catch_up()
    finally:
        close_old_connections()
