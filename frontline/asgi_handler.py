"""Django's ASGI handler, its middleware chain run in one worker thread, a few requests at once.

Django's ``ASGIHandler`` builds the chain for async use. Ours is sync-only (our own
middleware and django-otp's), so Django adapts the chain at each sync/async boundary.
For every request it enters a worker thread for the outer middleware, goes back to the
event loop for ``_get_response_async``, and enters the thread again for the view. This
handler builds the chain sync (as WSGI does) and runs all of it, view included, in one
hop to the request's thread. Reading the body, the request signals and sending the
response stay Django's own, on the event loop.

It also runs at most ``FRONTLINE_REQUESTS_AT_ONCE`` requests at once (0: no limit); the
others wait their turn on the event loop, in order. Django gives each request a thread
of its own, and one process's threads share one interpreter lock. When pages arrive
together, each gives the lock up at every one of its 20-odd database queries and waits
to win it back from the others, so each takes several times its own work; in turn, each
takes its own. Two at a time still overlaps one's database waits with the other's work
(``BENCHMARKS.md``, *Requests at once*: at 50 readers, p95 135 -> 100 ms).
"""

from __future__ import annotations

import asyncio

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler


class OneThreadASGIHandler(ASGIHandler):
    def __init__(self, at_once: int | None = None):
        # ASGIHandler.__init__ only adds the async chain: build the sync one instead.
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)
        self._respond = sync_to_async(self.get_response, thread_sensitive=True)
        self.at_once = settings.FRONTLINE_REQUESTS_AT_ONCE if at_once is None else at_once
        self._loop = self._turns = None

    async def get_response_async(self, request):
        if not self.at_once:
            return await self._respond(request)
        async with self._turns_here():
            return await self._respond(request)

    def _turns_here(self) -> asyncio.Semaphore:
        # One per event loop: daphne runs one; tests start one per test.
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._loop, self._turns = loop, asyncio.Semaphore(self.at_once)
        return self._turns


def application() -> OneThreadASGIHandler:
    """What ``django.core.asgi.get_asgi_application`` does, with this handler."""
    import django

    django.setup(set_prefix=False)
    return OneThreadASGIHandler()
