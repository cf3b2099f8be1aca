"""Stale training: a major revision of a trained SOP flags the activities and tells the
trainers."""

from __future__ import annotations

from django.db import transaction

from events.services import event_emit
from sops.models import SOPVersion
from training.models import (
    Activity,
    StaleTraining,
    TrainerQualification,
)


@transaction.atomic
def training_flag_stale(*, version: SOPVersion) -> list[int]:
    """A major revision is in force: flag the activities that trained an older major.

    Returns the flagged activity ids, and emits ``training.stale`` so their trainers and
    organisers hear "trained on 2.0, now 3.0". Run by the outbox handler; idempotent.
    """
    if version.major is None:
        return []
    older = SOPVersion.objects.filter(sop_id=version.sop_id, major__lt=version.major)
    trained = Activity.sop_versions.through.objects.filter(sopversion__in=older).exclude(
        activity__status=Activity.Status.CANCELLED
    )
    new_flags = []
    for activity_id, trained_id in trained.values_list("activity_id", "sopversion_id"):
        _flag, created = StaleTraining.objects.get_or_create(
            activity_id=activity_id, trained_id=trained_id, current=version
        )
        if created:
            new_flags.append(activity_id)
    if not new_flags:
        return []
    activities = Activity.objects.filter(pk__in=new_flags)
    trainer_users = set(
        activities.filter(trainer_qualification__isnull=False).values_list(
            "trainer_qualification__expert__user_id", flat=True
        )
    )
    # Trainers qualified by a course that trained the old version teach it on.
    trainer_users |= set(
        TrainerQualification.objects.filter(course__in=activities).values_list(
            "expert__user_id", flat=True
        )
    )
    event_emit(
        kind="training.stale",
        target=f"sop:{version.sop_id}",
        payload={
            "sop_id": version.sop_id,
            "version_id": version.pk,
            "agency_id": version.sop.agency_id,
            "number": version.number,
            "activity_ids": sorted(set(new_flags)),
            "trainer_user_ids": sorted(trainer_users),
        },
    )
    return sorted(set(new_flags))
