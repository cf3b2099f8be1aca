"""Beat jobs of procedures (scheduled in frontline/celery.py): thin, they call services."""

from celery import shared_task

from sops import services


@shared_task(name="sops.tasks.emit_review_reminders")
def emit_review_reminders() -> int:
    return services.review_reminders_emit()


@shared_task(name="sops.tasks.take_effect")
def take_effect() -> int:
    return services.versions_take_effect()


@shared_task(name="sops.tasks.emit_acknowledgement_reminders")
def emit_acknowledgement_reminders() -> int:
    return services.acknowledgement_reminders_emit()
