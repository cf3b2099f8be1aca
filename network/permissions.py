"""Who may do what in the network. Pure reads: services and selectors call these."""

from __future__ import annotations

from network.models import Agency, Expert, Membership

ROLE_RANK = {
    Membership.Role.MEMBER: 0,
    Membership.Role.EDITOR: 1,
    Membership.Role.PUBLISHER: 2,
    Membership.Role.ADMIN: 3,
}


def expert_of(user) -> Expert | None:
    if not user or not user.is_authenticated:
        return None
    try:
        return user.expert
    except Expert.DoesNotExist:
        return None


def approved_roles(user) -> dict[int, str]:
    """Agency id -> role for the user's approved memberships, cached on the user object."""
    if not user or not user.is_authenticated:
        return {}
    cached = getattr(user, "_frontline_roles", None)
    if cached is None:
        cached = dict(
            Membership.objects.filter(
                expert__user=user, status=Membership.Status.APPROVED
            ).values_list("agency_id", "role")
        )
        user._frontline_roles = cached
    return cached


def forget_roles(user) -> None:
    """Drop the cached roles after a membership of this user changed."""
    if hasattr(user, "_frontline_roles"):
        del user._frontline_roles


def is_vetted(user) -> bool:
    """Staff, or an expert with at least one approved membership."""
    if not user or not user.is_authenticated:
        return False
    return user.is_staff or bool(approved_roles(user))


def agencies_with_role(user, role: str) -> list[int] | None:
    """Ids of agencies where ``user`` holds ``role`` or a higher one; None means every agency
    (staff), [] none. The one home of this rule: procedures, the API and the audit trail use it."""
    if not user or not user.is_authenticated:
        return []
    if user.is_staff:
        return None
    rank = ROLE_RANK[role]
    return [a for a, held in approved_roles(user).items() if ROLE_RANK[held] >= rank]


def approved_memberships(expert: Expert) -> list[Membership]:
    """The expert's approved memberships, read from ``expert.memberships`` so a prefetch serves it."""
    return [m for m in expert.memberships.all() if m.status == Membership.Status.APPROVED]


def has_role(user, agency: Agency | int, role: str) -> bool:
    """True if the user holds ``role`` or a higher one in the agency (staff: always)."""
    if not user or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    agency_id = agency if isinstance(agency, int) else agency.pk
    held = approved_roles(user).get(agency_id)
    return held is not None and ROLE_RANK[held] >= ROLE_RANK[role]


def can_vet(user, agency: Agency | int) -> bool:
    return has_role(user, agency, Membership.Role.ADMIN)


def shares_agency(user, expert: Expert) -> bool:
    mine = set(approved_roles(user))
    theirs = {m.agency_id for m in approved_memberships(expert)}
    return bool(mine & theirs)


def can_see_expert(user, expert: Expert) -> bool:
    """A profile page: vetted viewers see experts with an approved membership; an
    applicant's or rejected account's page only its owner, staff and the admins of an
    agency it asks to join (who vet it)."""
    if not user or not user.is_authenticated:
        return False
    if user.is_staff or expert.user_id == user.pk:
        return True
    if not is_vetted(user):
        return False
    statuses = {m.agency_id: m.status for m in expert.memberships.all()}
    if Membership.Status.APPROVED in statuses.values():
        return True
    return any(
        status == Membership.Status.PENDING and can_vet(user, agency_id)
        for agency_id, status in statuses.items()
    )


def can_see_contact(user, expert: Expert) -> bool:
    """The expert's e-mail and phone, as their visibility setting allows."""
    if not user or not user.is_authenticated:
        return False
    if user.is_staff or expert.user_id == user.pk:
        return True
    if not is_vetted(user):
        return False
    visibility = expert.contact_visibility
    if visibility == Expert.ContactVisibility.NETWORK:
        return True
    if visibility == Expert.ContactVisibility.AGENCY:
        return shares_agency(user, expert)
    return False
