"""What the services of trainings share: the organiser check, the row locks, the
activity's event payload."""

from __future__ import annotations

from django.utils.translation import gettext as _

from audit.models import AuditEntry
from events.services import event_emit
from frontline.errors import NotAllowed
from training.models import (
    Activity,
)
from training.permissions import can_organise

A = AuditEntry.Action


def _require_organiser(by, agency_id: int) -> None:
    if not can_organise(by, agency_id):
        raise NotAllowed(_("Only the organising agency's publishers and admins can do this."))


def _locked(activity: Activity) -> Activity:
    return Activity.objects.select_for_update().get(pk=activity.pk)


def _payload(activity: Activity) -> dict:
    return {
        "activity_id": activity.pk,
        "agency_id": activity.organiser_id,
        "title": activity.title,
        "starts": activity.starts.isoformat(),
    }


def _emit(kind: str, by, activity: Activity, payload: dict | None = None) -> None:
    event_emit(
        kind=kind, actor=by, target=f"activity:{activity.pk}", payload=payload or _payload(activity)
    )
