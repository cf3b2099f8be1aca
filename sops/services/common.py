"""What every procedure service shares: role checks, the locked re-read, the declared
table of allowed workflow moves, and the event-plus-audit pair a transition writes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import audit_record
from events.services import event_emit
from frontline.errors import ActionRefused, Conflict, NotAllowed
from sops.models import SOP, SOPVersion
from sops.permissions import can_edit_sop, can_publish_sop

Status = SOPVersion.Status
ChangeKind = SOPVersion.ChangeKind


@dataclass(frozen=True)
class Move:
    """One allowed workflow move: from which statuses to which, and the verb for refusals."""

    sources: frozenset[str]
    target: str
    verb: Promise


# The workflow, in one place. A move not in this table cannot happen.
MOVES: dict[str, Move] = {
    "submit": Move(frozenset({Status.DRAFT}), Status.IN_REVIEW, gettext_lazy("submit")),
    "return": Move(frozenset({Status.IN_REVIEW}), Status.DRAFT, gettext_lazy("return")),
    "publish": Move(
        frozenset({Status.DRAFT, Status.IN_REVIEW}), Status.PUBLISHED, gettext_lazy("publish")
    ),
    "schedule": Move(
        frozenset({Status.DRAFT, Status.IN_REVIEW}), Status.SCHEDULED, gettext_lazy("publish")
    ),
    "take_effect": Move(
        frozenset({Status.SCHEDULED}), Status.PUBLISHED, gettext_lazy("bring into force")
    ),
    "supersede": Move(frozenset({Status.PUBLISHED}), Status.SUPERSEDED, gettext_lazy("supersede")),
    "withdraw": Move(
        frozenset({Status.PUBLISHED, Status.SCHEDULED}), Status.WITHDRAWN, gettext_lazy("withdraw")
    ),
    # "Reviewed, no change": the version stays as it is, only its review date moves.
    "review": Move(frozenset({Status.PUBLISHED}), Status.PUBLISHED, gettext_lazy("review")),
}


def move_check(version: SOPVersion, name: str) -> Move:
    """The move ``name`` if ``version``'s status allows it; ``Conflict`` if not."""
    move = MOVES[name]
    if version.status not in move.sources:
        raise Conflict(
            _("Cannot %(action)s a version that is %(status)s.")
            % {"action": move.verb, "status": version.get_status_display().lower()}
        )
    return move


def move_apply(version: SOPVersion, name: str) -> None:
    """Check the move and set the new status (the caller saves)."""
    version.status = move_check(version, name).target


def require_editor(user, sop: SOP) -> None:
    if not can_edit_sop(user, sop):
        raise NotAllowed(
            _("Only editors and publishers of %(agency)s can do this.") % {"agency": sop.agency}
        )


def require_publisher(user, sop: SOP) -> None:
    if not can_publish_sop(user, sop):
        raise NotAllowed(_("Only publishers of %(agency)s can do this.") % {"agency": sop.agency})


def require_status(version: SOPVersion, *allowed: str, action: str) -> None:
    """For actions that are not moves (editing, attaching): the status they need."""
    if version.status not in allowed:
        raise Conflict(
            _("Cannot %(action)s a version that is %(status)s.")
            % {"action": action, "status": version.get_status_display().lower()}
        )


def locked(version: SOPVersion) -> SOPVersion:
    return (
        SOPVersion.objects.select_for_update()
        .select_related("sop", "sop__agency")
        .get(pk=version.pk)
    )


def locked_sop(sop_id: int) -> SOP:
    return SOP.objects.select_for_update().select_related("agency").get(pk=sop_id)


def check_dates(effective_date, review_due) -> None:
    if effective_date and review_due and review_due <= effective_date:
        raise ActionRefused(_("The review-due date must come after the effective date."))


def record(
    *, kind: str, by, sop: SOP, payload: dict, details: dict | None = None, audit: bool = True
) -> None:
    """The event (outbox) and the audit entry a transition writes, in the caller's transaction.

    ``payload`` gets the SOP and agency ids every SOP event carries.
    """
    payload = {"sop_id": sop.pk, "agency_id": sop.agency_id, **payload}
    event_emit(kind=kind, actor=by, target=f"sop:{sop.pk}", payload=payload)
    if audit:
        audit_record(
            actor=by,
            action=kind,
            agency=sop.agency_id,
            target=f"sop:{sop.pk}",
            details={"reference": sop.reference, **(details or {})},
        )


def iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None
