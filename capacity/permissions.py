"""Who may change capacities and needs. Who may *see* them lives in ``capacity.selectors``."""

from __future__ import annotations

from network.models import Agency, Membership
from network.permissions import agencies_with_role, approved_roles, has_role, is_vetted


def assessed_agency_ids(assessment) -> set[int]:
    return {a.pk for a in assessment.agencies.all()}


def can_draft_for(user, agency: Agency | int) -> bool:
    """Editors (and publishers, admins) of an agency draft its assessments."""
    return has_role(user, agency, Membership.Role.EDITOR)


def draftable_agency_ids(user) -> list[int] | None:
    """Agencies whose assessments ``user`` may start (``can_draft_for`` each): ids, None for
    every agency (staff), [] none."""
    return agencies_with_role(user, Membership.Role.EDITOR)


def can_start_assessment(user) -> bool:
    """An editor of some agency, or staff: who may open the start page (and see its link)."""
    return draftable_agency_ids(user) != []


def can_edit_assessment(user, assessment) -> bool:
    """Editors of any assessed agency edit a draft or returned assessment."""
    if not user or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return any(can_draft_for(user, a) for a in assessed_agency_ids(assessment))


def is_independent_reviewer(user, assessment) -> bool:
    """Platform staff, or a vetted member of another agency (none of the assessed ones)."""
    if not user or not user.is_authenticated or not is_vetted(user):
        return False
    if user.is_staff:
        return True
    mine = set(approved_roles(user))
    return bool(mine) and not (mine & assessed_agency_ids(assessment))


def can_validate(user, assessment) -> bool:
    """Staff, or the reviewer the assessed agencies named (who must be independent)."""
    if not is_independent_reviewer(user, assessment):
        return False
    return user.is_staff or assessment.reviewer_id == user.pk


def can_manage_register(user) -> bool:
    """Deliveries, regulations and the indicator framework: platform staff."""
    return bool(user and user.is_authenticated and user.is_staff)
