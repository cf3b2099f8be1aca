"""The embedded default's worker: outbox work runs after the response, not inside it.

Without Redis there is no Celery worker, and tasks run eagerly where they are called.
Called from a request's on-commit hook, that put every handler (fan-out, mail to a
server that may hang, webhooks, indexing) between the publisher's click and their page.
Under daphne the ASGI wrapper below records the server's event loop, and every task
sent (``AfterResponseTask.apply_async``) becomes a job scheduled on that loop, run in a
worker thread. Jobs of one task name run one at a time and in order, like a queue with
one consumer (so the index keeps its single writer); a hung mail relay holds up only
the mails. Pushes made from those threads reach open sockets because asgiref runs the
``async_to_sync`` calls of a ``sync_to_async`` thread on the loop that started it, the
in-memory channel layer's loop.

Management commands and tests never pass through the wrapper, so they keep running
tasks in place, deterministically. A job that dies with the process leaves its event
pending in the outbox; the next start dispatches it again (``recover_pending``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from asgiref.sync import sync_to_async
from celery import Task

log = logging.getLogger(__name__)

_loop: asyncio.AbstractEventLoop | None = None
_lanes: dict[str, asyncio.Lock] = {}
_pending: set[asyncio.Future] = set()


def running() -> bool:
    """True when an ASGI server's loop is known and jobs can be run after the response."""
    from django.conf import settings

    return settings.FRONTLINE_JOBS_AFTER_RESPONSE and _loop is not None and not _loop.is_closed()


def submit(job: Callable[[], object], *, lane: str = "default") -> None:
    """Run ``job`` in a worker thread of the server's loop, after the lane's earlier jobs."""
    future = asyncio.run_coroutine_threadsafe(_run(job, lane), _loop)
    _pending.add(future)
    future.add_done_callback(_pending.discard)


async def _run(job: Callable[[], object], lane: str) -> None:
    async with _lanes.setdefault(lane, asyncio.Lock()):
        try:
            await sync_to_async(_run_closing_connections, thread_sensitive=False)(job)
        except Exception:  # the outbox keeps the event; log it and go on with the next
            log.exception("in-process job %r failed; its event stays pending", job)


def _run_closing_connections(job: Callable[[], object]) -> None:
    from django.db import connections

    try:
        job()
    finally:
        connections.close_all()  # a worker thread's connections must not outlive its job


def recover_pending() -> None:
    """Dispatch what a previous process left pending (it stopped mid-job, or crashed)."""
    from datetime import timedelta

    from events.services import events_redispatch_pending

    submit(lambda: events_redispatch_pending(older_than=timedelta(0)), lane="recover")


def drain(timeout: float = 30.0) -> None:
    """Wait for the submitted jobs (tests and a graceful stop)."""
    import concurrent.futures

    concurrent.futures.wait(list(_pending), timeout=timeout)


class AfterResponseTask(Task):
    """The Celery app's task class: under daphne in the embedded default, a sent task
    becomes an in-process job instead of running inside the caller."""

    def apply_async(self, args=None, kwargs=None, **options):
        if self.app.conf.task_always_eager and running():
            submit(
                lambda: super(AfterResponseTask, self).apply_async(args, kwargs, **options),
                lane=self.name,
            )
            return None
        return super().apply_async(args, kwargs, **options)


class RunJobsAfterResponse:
    """ASGI wrapper that remembers the server's event loop for ``submit``."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        global _loop
        if _loop is None:
            _loop = asyncio.get_running_loop()
            recover_pending()
        return await self.app(scope, receive, send)
