"""Needs an assessment found, and what recorded on the platform met them."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from capacity.models import (
    Assessment,
    EquipmentDelivery,
    Indicator,
    Need,
    Regulation,
)
from capacity.permissions import (
    can_edit_assessment,
)
from capacity.selectors import can_see_assessment
from capacity.services.common import (
    _check_tlp,
)
from events.services import event_emit
from frontline.errors import ActionRefused, NotAllowed, required_text

# --- needs


def _need_record(by, need: Need) -> None:
    event_emit(
        kind="need.changed",
        actor=by,
        target=f"need:{need.pk}",
        payload={"need_id": need.pk, "assessment_id": need.assessment_id, "status": need.status},
    )
    audit_record(
        actor=by, action="need.changed", agency=need.assessment.lead_agency_id,
        target=f"need:{need.pk}", details={"status": need.status, "kind": need.kind},
    )  # fmt: skip


def _require_need_editor(by, assessment: Assessment) -> None:
    if not can_edit_assessment(by, assessment) or not can_see_assessment(by, assessment):
        raise NotAllowed(_("Only editors of the assessed agencies can change its needs."))


@transaction.atomic
def need_add(
    *, by, assessment: Assessment, kind: str, title: str, priority=Need.Priority.MEDIUM,
    tlp: str | None = None, indicator: Indicator | None = None, description: str = "",
) -> Need:  # fmt: skip
    """Record a need an assessment found. Its label defaults to the assessment's."""
    _require_need_editor(by, assessment)
    title = required_text(title, _("Say what is needed."))
    if kind not in Need.Kind.values:
        raise ActionRefused(_("Choose the kind of need."))
    if int(priority) not in Need.Priority.values:
        raise ActionRefused(_("Choose a priority."))
    need = Need.objects.create(
        assessment=assessment, kind=kind, title=title[:300], priority=int(priority),
        tlp=_check_tlp(tlp or assessment.tlp), indicator=indicator, description=description,
    )  # fmt: skip
    _need_record(by, need)
    return need


@transaction.atomic
def need_set_status(*, by, need: Need, status: str) -> Need:
    """Identified -> planned, or dropped. "Met" goes through ``need_mark_met`` (it needs a link)."""
    _require_need_editor(by, need.assessment)
    if status not in (Need.Status.IDENTIFIED, Need.Status.PLANNED, Need.Status.DROPPED):
        raise ActionRefused(_("Mark a need as met by saying what met it."))
    need.status = status
    need.met_by_delivery = need.met_by_sop = need.met_by_regulation = None
    need.met_by_type = None
    need.met_by_id = None
    need.met_on = None
    need.save()
    _need_record(by, need)
    return need


@transaction.atomic
def need_mark_met(
    *, by, need: Need, delivery: EquipmentDelivery | None = None, sop=None,
    regulation: Regulation | None = None, obj=None, note: str = "",
    on: datetime.date | None = None,
) -> Need:  # fmt: skip
    """A need is met by one thing recorded on the platform, and links to it."""
    from django.contrib.contenttypes.models import ContentType

    from sops.permissions import can_view_sop

    _require_need_editor(by, need.assessment)
    given = [x for x in (delivery, sop, regulation, obj) if x is not None]
    if len(given) != 1:
        raise ActionRefused(
            _("Say what met the need: one delivery, procedure, regulation or activity.")
        )
    agencies = {a.pk for a in need.assessment.agencies.all()}
    if delivery is not None and delivery.recipient_id not in agencies:
        raise ActionRefused(_("That delivery went to another agency."))
    if sop is not None and not can_view_sop(by, sop):
        raise ActionRefused(_("Choose a procedure you can see."))
    if regulation is not None and regulation.country_id != need.assessment.country_id:
        raise ActionRefused(_("That regulation is of another country."))
    need.status = Need.Status.MET
    need.met_by_delivery, need.met_by_sop, need.met_by_regulation = delivery, sop, regulation
    if obj is not None:
        need.met_by_type = ContentType.objects.get_for_model(obj)
        need.met_by_id = obj.pk
    need.met_note = note[:300]
    need.met_on = on or timezone.localdate()
    need.save()
    _need_record(by, need)
    return need
