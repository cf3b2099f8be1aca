"""What the capacity services share: the event-plus-audit pair, the locked re-read and
the checks of labels, years and levels."""

from __future__ import annotations

from django.utils.translation import gettext as _

from audit.services import audit_record
from capacity.models import (
    TLP,
    Assessment,
    Level,
)
from capacity.permissions import (
    can_edit_assessment,
)
from capacity.selectors import can_see_assessment
from events.services import event_emit
from frontline.errors import ActionRefused, Conflict, NotAllowed

Status = Assessment.Status
EDITABLE = (Status.DRAFT, Status.RETURNED)
MIN_YEAR, MAX_YEAR = 2000, 2100


# --- shared


def _record(kind: str, *, by, assessment: Assessment, details: dict | None = None) -> None:
    payload = {
        "assessment_id": assessment.pk,
        "country": assessment.country_id,
        "year": assessment.year,
        "status": assessment.status,
        "tlp": assessment.tlp,
    }
    event_emit(kind=kind, actor=by, target=f"assessment:{assessment.pk}", payload=payload)
    audit_record(
        actor=by,
        action=kind,
        agency=assessment.lead_agency_id,
        target=f"assessment:{assessment.pk}",
        details={"year": assessment.year, "country": assessment.country_id, **(details or {})},
    )


def _locked(assessment: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("country", "lead_agency")
        .get(pk=assessment.pk)
    )


def _require_editable(user, assessment: Assessment) -> None:
    if not can_edit_assessment(user, assessment) or not can_see_assessment(user, assessment):
        raise NotAllowed(_("Only editors of the assessed agencies can change this assessment."))
    if assessment.status not in EDITABLE:
        raise Conflict(
            _("This assessment is %(status)s: it can no longer be changed.")
            % {"status": assessment.get_status_display().lower()}
        )


def _check_tlp(tlp: str) -> str:
    if tlp not in TLP.values:
        raise ActionRefused(_("Choose a TLP label."))
    return tlp


def _check_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ActionRefused(_("Give the year as a number, e.g. 2025.")) from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ActionRefused(_("The year must be between 2000 and 2100."))
    return year


def _check_level(level) -> int | None:
    if level in (None, ""):
        return None
    try:
        level = int(level)
    except (TypeError, ValueError):
        raise ActionRefused(_("A level is a number from 1 to 5.")) from None
    if level not in Level.values:
        raise ActionRefused(_("A level is a number from 1 to 5."))
    return level
