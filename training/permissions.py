"""Who may see and run trainings and exercises. Pure reads: services and selectors call these.

Organisers are the publishers and admins of the organising agency, and platform staff.
Published activities are for vetted members of the network; drafts for their organisers.
An exercise's after-action report names agencies' weaknesses, so by default only the
organising and participating agencies (and staff) see it.
"""

from __future__ import annotations

from django.db.models import Q

from network.models import Agency, Membership
from network.permissions import agencies_with_role, approved_roles, has_role, is_vetted
from training.models import Activity, AfterActionReport, CorrectiveAction, Registration

NOTHING = Q(pk__in=[])


def can_organise(user, agency: Agency | int) -> bool:
    return has_role(user, agency, Membership.Role.PUBLISHER)


def organiser_agencies(user) -> list[int] | None:
    """Agencies the user may organise for; None means every agency (staff)."""
    return agencies_with_role(user, Membership.Role.PUBLISHER)


def nominating_agencies(user) -> list[int] | None:
    """Agencies whose approved members the user may nominate to activities: those they admin;
    None means every agency (staff)."""
    return agencies_with_role(user, Membership.Role.ADMIN)


def can_nominate(user) -> bool:
    """An admin of some agency, or staff: the one rule for the nomination page and its link."""
    agencies = nominating_agencies(user)
    return agencies is None or bool(agencies)


def can_manage_activity(user, activity: Activity) -> bool:
    return can_organise(user, activity.organiser_id)


def visible_activities_q(user, prefix: str = "") -> Q:
    """A filter for activities (``prefix`` e.g. ``"activity__"``) that ``user`` may see."""
    if not is_vetted(user):
        return NOTHING
    if user.is_staff:
        return Q()
    shown = Q(**{f"{prefix}status__in": [Activity.Status.PUBLISHED, Activity.Status.CANCELLED]})
    mine = organiser_agencies(user) or []
    return shown | Q(**{f"{prefix}organiser__in": mine})


def can_view_activity(user, activity: Activity) -> bool:
    if not is_vetted(user):
        return False
    return activity.status != Activity.Status.DRAFT or can_manage_activity(user, activity)


def participant_agencies(activity: Activity) -> set[int]:
    return {activity.organiser_id, *activity.participating_agencies.values_list("pk", flat=True)}


def visible_reports_q(user, prefix: str = "") -> Q:
    """A filter for after-action reports (``prefix`` e.g. ``"report__"``) the user may read."""
    if not is_vetted(user):
        return NOTHING
    if user.is_staff:
        return Q()
    mine = list(approved_roles(user))
    managed = organiser_agencies(user) or []
    a = f"{prefix}activity__"
    final_shared = Q(**{f"{prefix}status": AfterActionReport.Status.FINAL}) & (
        Q(**{f"{prefix}shared_with_network": True})
        | Q(**{f"{a}organiser__in": mine})
        | Q(**{f"{a}participating_agencies__in": mine})
    )
    return final_shared | Q(**{f"{a}organiser__in": managed})


def can_view_report(user, report: AfterActionReport) -> bool:
    if not is_vetted(user):
        return False
    if user.is_staff or can_manage_activity(user, report.activity):
        return True
    if report.status != AfterActionReport.Status.FINAL:
        return False
    if report.shared_with_network:
        return can_view_activity(user, report.activity)
    return bool(set(approved_roles(user)) & participant_agencies(report.activity))


def can_assign_action(user, action: CorrectiveAction) -> bool:
    """The organisers and the owning agency's publishers and admins (not the assignee: who
    carries an action out is for those answerable for it)."""
    return can_organise(user, action.owner_id) or can_manage_activity(
        user, action.observation.report.activity
    )


def can_update_action(user, action: CorrectiveAction) -> bool:
    """The organisers, the owning agency's publishers and admins, and the assignee."""
    if can_assign_action(user, action):
        return True
    return action.assignee_id is not None and action.assignee.user_id == getattr(user, "pk", None)


def can_see_registration(user, registration: Registration) -> bool:
    if not user or not user.is_authenticated:
        return False
    if registration.expert.user_id == user.pk:
        return True
    return can_manage_activity(user, registration.activity)
