"""Where index tasks go: the one ``search`` queue, or a broadcast to every host's copy.

On one host the index has one writer, the only consumer of the ``search`` queue. Past
one host (``FRONTLINE_SEARCH_BROADCAST=1``) every web host keeps its own index copy on
local disk, written by its own single consumer, and every index task is published to
the ``search_broadcast`` fanout exchange so that each consumer gets every update.
Redis delivers a fanout only to consumers listening at that moment, so a consumer that
starts (again) first brings its copy in line with the database (``search.tasks``).
"""

from __future__ import annotations

from django.conf import settings
from kombu import Exchange, Queue
from kombu.common import Broadcast

SEARCH_QUEUE = "search"
BROADCAST = "search_broadcast"
BROADCAST_EXCHANGE = Exchange(BROADCAST, type="fanout")


def queues() -> tuple[Queue, ...]:
    """Every queue a worker may consume; ``-Q`` picks among them by name."""
    # Broadcast gives every consuming process a queue of its own (bcast.<uuid>) bound
    # to the fanout exchange, found by its alias BROADCAST.
    return (Queue("celery"), Queue(SEARCH_QUEUE), Broadcast(BROADCAST, exchange=BROADCAST_EXCHANGE))


def broadcasting() -> bool:
    return bool(getattr(settings, "FRONTLINE_SEARCH_BROADCAST", False))


def route_task(name, args, kwargs, options, task=None, **kw):
    """Celery router: ``search.tasks.*`` to the search queue or the broadcast."""
    if not name.startswith("search.tasks."):
        return None
    if broadcasting():
        # Celery declares no Broadcast queue when it publishes, so the exchange is
        # declared here: unknown to the publisher, it would be taken for a direct one.
        return {"queue": BROADCAST, "declare": [BROADCAST_EXCHANGE]}
    return {"queue": SEARCH_QUEUE}


def consumes_broadcast(amqp) -> bool:
    """Whether a worker (its ``app.amqp``) consumes the broadcast."""
    return any(q.alias == BROADCAST for q in amqp.queues.consume_from.values())
