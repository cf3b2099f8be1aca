"""Periodic upkeep of sign-in state (scheduled in frontline/celery.py)."""

from celery import shared_task

from frontline.sessions import sessions_end_idle


@shared_task
def end_idle_sessions() -> int:
    return sessions_end_idle()
