"""The Celery app and the one place where periodic jobs are declared."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontline.settings")

app = Celery("frontline")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # An event whose dispatch failed (broker down, worker crash) is retried here.
    "events-redispatch-pending": {
        "task": "events.tasks.redispatch_pending",
        "schedule": 60.0,
    },
    # Review reminders: 30 days before the review date, on the day, then weekly.
    "sops-review-reminders": {
        "task": "sops.tasks.emit_review_reminders",
        "schedule": 3600.0,
    },
    # Approved versions whose effective date has come take effect (sop.took_effect), once.
    # Hourly, so a day when beat was down at midnight is caught up within the hour; pages
    # decide "in force" from the dates meanwhile (sops.compliance.in_force).
    "sops-take-effect": {
        "task": "sops.tasks.take_effect",
        "schedule": 3600.0,
    },
    # Reminders to acknowledge a major revision: at half-time and on the due date.
    "sops-acknowledgement-reminders": {
        "task": "sops.tasks.emit_acknowledgement_reminders",
        "schedule": 3600.0,
    },
    # One mail per user grouping the day's notifications for "daily digest" subscriptions.
    "notifications-daily-digest": {
        "task": "notifications.tasks.send_daily_digests",
        "schedule": crontab(hour=6, minute=0),
    },
}

# Whoosh allows one writer: every index task goes to the "search" queue, consumed by
# one worker process (`make search-worker`). In the embedded default tasks run eagerly.
app.conf.task_routes = {"search.tasks.*": {"queue": "search"}}
