"""The Celery app and the one place where periodic jobs are declared."""

import os

from celery import Celery

from search.routing import queues, route_task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "frontline.settings")

# Its task class turns eager tasks into after-response jobs under daphne (embedded default).
app = Celery("frontline", task_cls="events.inprocess:AfterResponseTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    # Corrective actions of after-action reports past their due date (action.overdue), once.
    "training-actions-overdue": {
        "task": "training.tasks.actions_overdue",
        "schedule": 3600.0,
    },
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
    # Sessions idle past their limit end, and their sockets close (frontline/sessions.py).
    "frontline-end-idle-sessions": {
        "task": "frontline.tasks.end_idle_sessions",
        "schedule": 300.0,
    },
    # Each index copy compared with the database and repaired: what a copy missed (a
    # broadcast sent while its consumer was down or reconnecting) is put right here.
    "search-reconcile": {
        "task": "search.tasks.reconcile",
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
    # One mail per user grouping the day's notifications for "daily digest" subscriptions,
    # at 06:00 in each user's own time zone: every 15 minutes it picks the users whose
    # morning has come and who have not had the day's digest (notifications.emails).
    "notifications-daily-digest": {
        "task": "notifications.tasks.send_daily_digests",
        "schedule": 900.0,
    },
}

# Whoosh allows one writer per index: every index task goes to the "search" queue,
# consumed by one worker process (`make search-worker`), or with
# FRONTLINE_SEARCH_BROADCAST=1 to every host's own copy (search/routing.py). In the
# embedded default tasks run eagerly. Workers name their queues (-Q): a worker without
# -Q would consume all of them.
app.conf.task_queues = queues()
app.conf.task_routes = (route_task,)
