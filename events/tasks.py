"""Thin Celery tasks: take ids, call the outbox services."""

from celery import shared_task

from events import services


@shared_task(name="events.tasks.dispatch", bind=True, max_retries=5, default_retry_delay=5)
def dispatch(self, event_id: int) -> int:
    return services.event_dispatch(event_id=event_id)


@shared_task(name="events.tasks.run_handler", bind=True, max_retries=5)
def run_handler(self, event_id: int, handler: str) -> bool:
    try:
        return services.handler_run(event_id=event_id, handler=handler)
    except Exception as exc:
        raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 1)) from exc


@shared_task(name="events.tasks.redispatch_pending")
def redispatch_pending() -> int:
    return services.events_redispatch_pending()
