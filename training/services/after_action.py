"""The improvement loop: after-action reports, observations, corrective actions (tracked to
closure, linked to an SOP as change requests, overdue ones told to their owners)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from events.services import event_emit
from frontline.errors import ActionRefused, Conflict, NotAllowed, required_text
from network.models import Agency, Expert, Membership
from sops.models import SOP, SOPVersion
from sops.permissions import can_edit_sop
from training.models import (
    Activity,
    AfterActionReport,
    CorrectiveAction,
    Observation,
)
from training.permissions import can_assign_action, can_update_action
from training.services.common import A, _locked, _require_organiser


def _audit_report(by, activity: Activity, details: dict) -> None:
    audit_record(
        actor=by,
        action=A.REPORT_CHANGED,
        agency=activity.organiser_id,
        target=f"activity:{activity.pk}",
        details=details,
    )


@transaction.atomic
def report_save(
    *, by, activity: Activity, summary: str, final: bool = False, shared_with_network: bool = False
) -> AfterActionReport:
    activity = _locked(activity)
    _require_organiser(by, activity.organiser_id)
    if activity.status != Activity.Status.PUBLISHED:
        raise Conflict(_("An after-action report belongs to a published activity."))
    report, _created = AfterActionReport.objects.get_or_create(activity=activity)
    report.summary = summary or ""
    report.status = AfterActionReport.Status.FINAL if final else AfterActionReport.Status.DRAFT
    report.shared_with_network = shared_with_network
    report.save()
    _audit_report(by, activity, {"report": report.status, "shared": shared_with_network})
    return report


@transaction.atomic
def observation_add(
    *, by, report: AfterActionReport, capability: str, kind: str, text: str
) -> Observation:
    _require_organiser(by, report.activity.organiser_id)
    if kind not in Observation.Kind.values:
        raise ActionRefused(_("Choose strength or area for improvement."))
    observation = Observation.objects.create(
        report=report,
        capability=required_text(capability, _("Name the capability observed.")),
        kind=kind,
        text=required_text(text, _("Write the observation.")),
    )
    _audit_report(by, report.activity, {"observation": observation.pk})
    return observation


@transaction.atomic
def action_add(
    *,
    by,
    observation: Observation,
    title: str,
    owner: Agency,
    due: datetime.date,
    assignee: Expert | None = None,
    sop: SOP | None = None,
) -> CorrectiveAction:
    """A corrective action for an area for improvement; with ``sop`` it is a change request."""
    _require_organiser(by, observation.report.activity.organiser_id)
    if observation.kind != Observation.Kind.IMPROVEMENT:
        raise ActionRefused(_("Corrective actions follow areas for improvement, not strengths."))
    if due is None:
        raise ActionRefused(_("Give a due date."))
    _check_assignee(assignee, owner.pk)
    action = CorrectiveAction.objects.create(
        observation=observation,
        title=required_text(title, _("Describe the corrective action.")),
        owner=owner,
        assignee=assignee,
        due=due,
        sop=sop,
    )
    _audit_report(
        by, observation.report.activity, {"action": action.pk, "sop": getattr(sop, "pk", None)}
    )
    return action


def _check_assignee(assignee: Expert | None, owner_id: int) -> None:
    if (
        assignee is not None
        and not assignee.memberships.filter(
            agency_id=owner_id, status=Membership.Status.APPROVED
        ).exists()
    ):
        raise ActionRefused(_("The assignee must be an approved member of the owning agency."))


@transaction.atomic
def action_assign(*, by, action: CorrectiveAction, assignee: Expert | None) -> CorrectiveAction:
    """Name who carries the action out (an approved member of the owning agency), or no one."""
    action = _locked_action(action)
    if not can_assign_action(by, action):
        raise NotAllowed(_("Only the organisers or the owning agency can assign this."))
    if action.status not in CorrectiveAction.OPEN_STATUSES:
        raise Conflict(_("This corrective action is closed."))
    _check_assignee(assignee, action.owner_id)
    action.assignee = assignee
    action.save()
    _audit_report(
        by,
        action.observation.report.activity,
        {"action": action.pk, "assignee": getattr(assignee, "pk", None)},
    )
    return action


def _locked_action(action: CorrectiveAction) -> CorrectiveAction:
    return (
        CorrectiveAction.objects.select_for_update(of=("self",))
        .select_related("observation__report__activity", "assignee", "sop")
        .get(pk=action.pk)
    )


@transaction.atomic
def action_update(
    *, by, action: CorrectiveAction, status: str, reason: str = ""
) -> CorrectiveAction:
    action = _locked_action(action)
    if not can_update_action(by, action):
        raise NotAllowed(
            _("Only the organisers, the owning agency or the assignee can update this.")
        )
    if status not in CorrectiveAction.Status.values:
        raise ActionRefused(_("Choose a status."))
    if action.status not in CorrectiveAction.OPEN_STATUSES:
        raise Conflict(_("This corrective action is closed."))
    if status == CorrectiveAction.Status.NOT_ACCEPTED:
        reason = required_text(reason, _("Say why the corrective action is not accepted."))
    action.status, action.reason = status, reason or action.reason
    if status not in CorrectiveAction.OPEN_STATUSES:
        action.closed = timezone.now()
    action.save()
    _audit_report(by, action.observation.report.activity, {"action": action.pk, "status": status})
    return action


@transaction.atomic
def action_address(*, by, action: CorrectiveAction, version: SOPVersion) -> CorrectiveAction:
    """An editor of the SOP says which revision (a draft or one in review) addresses it.

    Publishing that revision closes the change request (``actions_close_for``).
    """
    action = _locked_action(action)
    if action.sop_id is None:
        raise ActionRefused(_("This corrective action is not a change request on a procedure."))
    if version.sop_id != action.sop_id:
        raise ActionRefused(_("Pick a revision of the procedure the change request is about."))
    if not can_edit_sop(by, action.sop):
        raise NotAllowed(_("Only the procedure's editors can say which revision addresses it."))
    if action.status not in CorrectiveAction.OPEN_STATUSES:
        raise Conflict(_("This corrective action is closed."))
    if version.status not in (SOPVersion.Status.DRAFT, SOPVersion.Status.IN_REVIEW):
        raise Conflict(_("Pick a revision that is still being drafted or reviewed."))
    action.addressed_by = version
    action.status = CorrectiveAction.Status.IN_PROGRESS
    action.save()
    _audit_report(
        by, action.observation.report.activity, {"action": action.pk, "addressed_by": version.pk}
    )
    return action


@transaction.atomic
def actions_close_for(*, version: SOPVersion) -> int:
    """The revision is in force: the change requests it addresses are done (outbox handler)."""
    now = timezone.now()
    return CorrectiveAction.objects.filter(
        addressed_by=version, status__in=CorrectiveAction.OPEN_STATUSES
    ).update(status=CorrectiveAction.Status.DONE, closed=now, updated=now)


def actions_overdue_emit(*, today: datetime.date | None = None) -> int:
    """Emit ``action.overdue`` once per open corrective action past its due date (beat)."""
    today = today or timezone.localdate()
    count = 0
    due = CorrectiveAction.objects.filter(
        status__in=CorrectiveAction.OPEN_STATUSES, due__lt=today, overdue_emitted__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            claimed = CorrectiveAction.objects.filter(pk=pk, overdue_emitted__isnull=True).update(
                overdue_emitted=timezone.now()
            )
            if not claimed:
                continue
            action = CorrectiveAction.objects.select_related("observation__report").get(pk=pk)
            activity_id = action.observation.report.activity_id
            event_emit(
                kind="action.overdue",
                target=f"action:{pk}",
                payload={
                    "action_id": pk,
                    "activity_id": activity_id,
                    "agency_id": action.owner_id,
                    "due": action.due.isoformat(),
                },
            )
            count += 1
    return count
