"""Stale training and the change-request loop through a real Celery worker and Redis broker."""

from __future__ import annotations

import datetime

from django.utils import timezone

from events.models import HandlerRun
from network.models import Membership
from notifications.models import Notification
from sops import services as sop_services
from tests import factories
from tests.notifications.conftest import publish_new
from tests.waiting import wait_for
from training import services
from training.models import CorrectiveAction, StaleTraining, TrainerQualification


def test_major_revision_flags_stale_training_and_closes_the_change_request(
    running_worker, publisher, editor, home_agency
):
    sop = publish_new(publisher=publisher)
    v1 = sop.current_version
    trainer = factories.expert(agency=home_agency, role=Membership.Role.MEMBER, username="trainer")
    q = TrainerQualification.objects.create(
        expert=trainer, topic=factories.topic(), qualified_on=timezone.localdate()
    )
    start = timezone.localdate() + datetime.timedelta(days=3)
    workshop = services.activity_create(
        by=publisher,
        organiser=home_agency,
        title="Workshop on 1.0",
        kind="workshop",
        scope="national",
        starts=start,
        ends=start,
        place="Niš",
        sop_versions=[v1],
        trainer_qualification=q,
    )
    services.activity_publish(by=publisher, activity=workshop)
    report = services.report_save(by=publisher, activity=workshop, summary="", final=True)
    weak = services.observation_add(
        by=publisher, report=report, capability="Steps", kind="improvement", text="Step 2 unclear"
    )
    action = services.action_add(
        by=publisher,
        observation=weak,
        title="Rewrite step 2",
        owner=home_agency,
        due=start + datetime.timedelta(days=30),
        sop=sop,
    )
    revision = sop_services.version_start_revision(sop=sop, by=editor, change_kind="major")
    services.action_address(by=editor, action=action, version=revision)
    sop_services.version_update(
        version=revision,
        by=editor,
        expected_edit_count=None,
        body=revision.body + "\n3. Clear step.",
        change_summary="Step 2 rewritten after the exercise.",
    )
    sop_services.version_publish(version=revision, by=publisher)

    flag = wait_for(
        lambda: StaleTraining.objects.filter(activity=workshop).first(), what="the stale flag"
    )
    assert (flag.trained.number, flag.current.number) == ("1.0", "2.0")
    note = wait_for(
        lambda: Notification.objects.filter(recipient=trainer.user, kind="training.stale").first(),
        what="the trainer's notification",
    )
    assert "2.0" in note.title
    wait_for(
        lambda: CorrectiveAction.objects.filter(pk=action.pk, status="done").exists(),
        what="the change request to close",
    )
    assert HandlerRun.objects.filter(
        handler="training.handlers.on_sop_published", finished__isnull=False
    ).exists()
