"""The compliance beat jobs (declared in frontline/celery.py) run by a real Celery worker
against PostgreSQL and Redis: a version takes effect on its day, once, and members are
reminded to acknowledge, once per stage."""

from __future__ import annotations

import datetime

from django.utils import timezone

from events.models import Event
from frontline.celery import app
from notifications.models import Mail, Notification
from sops import services
from sops.models import AcknowledgementReminder, SOPVersion
from sops.tasks import emit_acknowledgement_reminders, take_effect
from tests.waiting import wait_for


def _wait_succeeded(worker, task: str, times: int) -> None:
    """Wait until the worker's log shows ``task`` succeeded ``times`` times."""
    wait_for(
        lambda: (
            sum(1 for line in worker.log().splitlines() if task in line and "succeeded" in line)
            >= times
        ),
        what=f"{task} to run {times} times",
    )


def test_the_beat_schedule_declares_the_compliance_jobs():
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {
        "sops.tasks.take_effect",
        "sops.tasks.emit_acknowledgement_reminders",
        "sops.tasks.emit_review_reminders",
    } <= tasks


def test_worker_brings_the_version_into_force_on_its_day_once(
    running_worker, make_sop, editor, publisher, member
):
    v1 = make_sop()
    today = timezone.localdate()
    draft = services.version_start_revision(sop=v1.sop, by=editor, change_kind="major")
    services.version_update(
        version=draft,
        by=editor,
        expected_edit_count=None,
        effective_date=today + datetime.timedelta(days=5),
    )
    v2 = services.version_publish(version=draft, by=publisher, change_summary="New.")
    assert v2.status == SOPVersion.Status.SCHEDULED
    # The day comes (beat was down for it: the date is already two days past).
    SOPVersion.objects.filter(pk=v2.pk).update(effective_date=today - datetime.timedelta(days=2))
    take_effect.delay()
    take_effect.delay()
    _wait_succeeded(running_worker, "sops.tasks.take_effect", 2)
    v2.refresh_from_db()
    assert v2.status == SOPVersion.Status.PUBLISHED and v2.sop.current_version_id == v2.pk
    assert Event.objects.filter(kind="sop.took_effect").count() == 1
    wait_for(
        lambda: Notification.objects.filter(recipient=member, kind="sop.took_effect").exists(),
        what="the worker's fan-out of sop.took_effect",
    )


def test_worker_sends_acknowledgement_reminders_once_per_stage(
    running_worker, make_sop, member, home_agency
):
    v1 = make_sop()
    today = timezone.localdate()
    SOPVersion.objects.filter(pk=v1.pk).update(
        effective_date=today - datetime.timedelta(days=8),
        acknowledge_by=today + datetime.timedelta(days=6),
    )
    emit_acknowledgement_reminders.delay()
    emit_acknowledgement_reminders.delay()
    _wait_succeeded(running_worker, "sops.tasks.emit_acknowledgement_reminders", 2)
    assert Event.objects.filter(kind="sop.acknowledgement_reminder").count() == 1
    assert AcknowledgementReminder.objects.filter(user=member, stage="half").count() == 1
    wait_for(
        lambda: Mail.objects.filter(
            user=member, notification__kind="sop.acknowledgement_reminder", sent_at__isnull=False
        ).exists(),
        what="the reminder's notification and e-mail",
    )
