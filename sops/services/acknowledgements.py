"""Acknowledging the version in force, and chasing those who have not.

A member owes the latest major revision they have not acknowledged, whatever minor or
editorial versions followed it; acknowledging the version in force covers it
(``sops.compliance``). Reminders go at half-time and on the due date, once each per
person; the day after the due date the agency's systems hear ``sop.acknowledgement_overdue``.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.services import event_emit
from frontline.errors import Conflict, NotAllowed
from sops import compliance
from sops.models import SOP, Acknowledgement, AcknowledgementReminder, SOPVersion
from sops.permissions import can_view_sop
from sops.services.common import iso, record

Stage = AcknowledgementReminder.Stage


@transaction.atomic
def version_acknowledge(*, version: SOPVersion, by) -> Acknowledgement:
    """Record that ``by`` read and understood this version (once; a second time is a no-op)."""
    if not by.is_authenticated:
        raise NotAllowed(_("Sign in to acknowledge a procedure."))
    if not can_view_sop(by, version.sop):
        raise NotAllowed(_("You cannot see this procedure."))
    if not compliance.is_in_force(version):
        raise Conflict(_("Only the version in force can be acknowledged."))
    try:
        with transaction.atomic():
            ack, _created = Acknowledgement.objects.get_or_create(version=version, user=by)
    except IntegrityError:
        ack = Acknowledgement.objects.get(version=version, user=by)
    return ack


def halfway(major: SOPVersion) -> datetime.date:
    start = major.effective_date or major.acknowledge_by
    return start + (major.acknowledge_by - start) / 2


def _stage_for(major: SOPVersion, today: datetime.date) -> str | None:
    if today >= major.acknowledge_by:
        return Stage.DUE
    if today >= halfway(major):
        return Stage.HALF
    return None


def _remind(sop: SOP, major: SOPVersion, today: datetime.date) -> int:
    """One reminder event for the members not yet reminded at this stage (version locked)."""
    stage = _stage_for(major, today)
    if stage is None:
        return 0
    pending = compliance.pending_user_ids(sop, major)
    done = set(
        AcknowledgementReminder.objects.filter(version=major, stage=stage).values_list(
            "user_id", flat=True
        )
    )
    new = [u for u in pending if u not in done]
    if not new:
        return 0
    AcknowledgementReminder.objects.bulk_create(
        [AcknowledgementReminder(version=major, user_id=u, stage=stage) for u in new],
        ignore_conflicts=True,
    )
    event_emit(
        kind="sop.acknowledgement_reminder",
        actor=None,
        target=f"sop:{sop.pk}",
        payload={
            "sop_id": sop.pk,
            "agency_id": sop.agency_id,
            "version_id": major.pk,
            "number": major.number,
            "stage": stage,
            "acknowledge_by": iso(major.acknowledge_by),
            "user_ids": new,
        },
    )
    return len(new)


def _overdue(sop: SOP, major: SOPVersion, today: datetime.date) -> bool:
    if today <= major.acknowledge_by or major.acknowledgement_overdue_emitted:
        return False
    pending = compliance.pending_user_ids(sop, major)
    SOPVersion.objects.filter(pk=major.pk).update(acknowledgement_overdue_emitted=timezone.now())
    if not pending:
        return False
    record(
        kind="sop.acknowledgement_overdue",
        by=None,
        sop=sop,
        payload={
            "version_id": major.pk,
            "number": major.number,
            "acknowledge_by": iso(major.acknowledge_by),
            "pending_user_ids": pending,
        },
        details={"version_id": major.pk, "pending": len(pending)},
    )
    return True


def acknowledgement_reminders_emit(*, today: datetime.date | None = None) -> int:
    """Beat: reminders at half-time and on the due date, once each per person and stage;
    ``sop.acknowledgement_overdue`` once per revision after its due date. Returns the
    number of people reminded."""
    today = today or timezone.localdate()
    count = 0
    for sop, major in compliance.majors_asking_now(today):
        with transaction.atomic():
            # The lock serialises two beat runs: each person is reminded once per stage.
            major = SOPVersion.objects.select_for_update().get(pk=major.pk)
            count += _remind(sop, major, today)
            _overdue(sop, major, today)
    return count
