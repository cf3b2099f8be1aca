"""Index tasks go to the one search queue, or (past one host) to every host's copy."""

from __future__ import annotations

from frontline.celery import app
from search.routing import BROADCAST, SEARCH_QUEUE, consumes_broadcast, route_task


def _route(name="search.tasks.index_documents"):
    return app.amqp.router.route({}, name, args=(["sop:1"],), kwargs={})


def test_index_tasks_go_to_the_one_search_queue_by_default():
    assert route_task("search.tasks.index_documents", (), {}, {}) == {"queue": SEARCH_QUEUE}
    assert _route()["queue"].name == SEARCH_QUEUE
    assert route_task("events.tasks.dispatch", (), {}, {}) is None


def test_with_broadcast_every_index_task_goes_to_a_fanout_exchange(settings):
    settings.FRONTLINE_SEARCH_BROADCAST = True
    for name in ("search.tasks.index_documents", "search.tasks.repair", "search.tasks.reconcile"):
        route = _route(name)
        assert route["queue"].alias == BROADCAST
        assert route["queue"].exchange.type == "fanout"
        # Celery declares no Broadcast queue when publishing; the route declares its exchange.
        assert [e.type for e in route["declare"]] == ["fanout"]
    assert _route("events.tasks.dispatch")["queue"].name == "celery"


def test_a_worker_consuming_the_broadcast_is_told_apart():
    amqp = app.amqp
    try:
        amqp.queues.select([BROADCAST])
        assert consumes_broadcast(amqp)
        amqp.queues.select([SEARCH_QUEUE])
        assert not consumes_broadcast(amqp)
    finally:
        amqp.queues._consume_from = None
