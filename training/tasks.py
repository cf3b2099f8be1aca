"""Thin Celery tasks: the schedule lives in ``frontline/celery.py``."""

from celery import shared_task

from training import services


@shared_task
def actions_overdue() -> int:
    return services.actions_overdue_emit()
