from celery import shared_task

from sops import services


@shared_task(name="sops.tasks.emit_review_reminders")
def emit_review_reminders() -> int:
    return services.review_reminders_emit()
