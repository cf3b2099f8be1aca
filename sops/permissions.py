"""Who may see and change procedures. Every page, download, search and notification uses these."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet

from network.models import Membership
from network.permissions import approved_roles, has_role, is_vetted
from sops.models import SOP, SOPVersion

WORKING_STATUSES = {SOPVersion.Status.DRAFT, SOPVersion.Status.IN_REVIEW}


def visible_sops_q(user, prefix: str = "") -> Q:
    """A filter for SOPs (``prefix`` e.g. ``"sop__"``) that ``user`` may see.

    Sharing with a partner agency is an ``EXISTS``, not a join, so the filter never
    repeats a row: lists need no ``DISTINCT`` and counts no subquery over every SOP.
    """
    public = Q(**{f"{prefix}visibility": SOP.Visibility.PUBLIC})
    if not user or not user.is_authenticated or not is_vetted(user):
        return public
    if user.is_staff:
        return Q()
    agencies = list(approved_roles(user))
    shared = SOP.partner_agencies.through.objects.filter(
        sop_id=OuterRef(f"{prefix}pk"), agency_id__in=agencies
    )
    return (
        public
        | Q(**{f"{prefix}visibility": SOP.Visibility.NETWORK})
        | Q(**{f"{prefix}agency__in": agencies})
        | Q(Exists(shared))
    )


def visible_sops(user) -> QuerySet[SOP]:
    return SOP.objects.filter(visible_sops_q(user))


def about_visible_sop_q(user, field: str = "sop") -> Q:
    """A filter for rows (notifications, mails) about no SOP or about one ``user`` may see.

    It joins the row's own SOP rather than asking whether it is among every visible SOP,
    so its cost follows the user's rows, not the size of the library.
    """
    visible = visible_sops_q(user, prefix=f"{field}__")
    if not visible:  # staff see every SOP; ``Q(...) | Q()`` would drop that
        return Q()
    return Q(**{f"{field}__isnull": True}) | visible


def can_view_sop(user, sop: SOP) -> bool:
    if sop.visibility == SOP.Visibility.PUBLIC:
        return True
    if not is_vetted(user):
        return False
    if user.is_staff or sop.visibility == SOP.Visibility.NETWORK:
        return True
    mine = set(approved_roles(user))
    if sop.agency_id in mine:
        return True
    return sop.partner_agencies.filter(pk__in=mine).exists()


def can_edit_sop(user, sop: SOP) -> bool:
    """Editors (and publishers, admins) of the owning agency write drafts."""
    return has_role(user, sop.agency_id, Membership.Role.EDITOR)


def can_publish_sop(user, sop: SOP) -> bool:
    return has_role(user, sop.agency_id, Membership.Role.PUBLISHER)


def can_view_version(user, version: SOPVersion) -> bool:
    """Drafts and versions in review are for the owning agency's editors; the rest follow the SOP."""
    if version.status in WORKING_STATUSES:
        return can_edit_sop(user, version.sop)
    return can_view_sop(user, version.sop)


def users_who_can_view(sop: SOP) -> QuerySet:
    """Every active user allowed to see ``sop``: for notifications and acknowledgements."""
    User = get_user_model()
    users = User.objects.filter(is_active=True)
    if sop.visibility == SOP.Visibility.PUBLIC:
        return users
    vetted = Q(is_staff=True) | Q(expert__memberships__status=Membership.Status.APPROVED)
    if sop.visibility == SOP.Visibility.NETWORK:
        return users.filter(vetted).distinct()
    agencies = [sop.agency_id, *sop.partner_agencies.values_list("pk", flat=True)]
    return users.filter(
        Q(is_staff=True)
        | Q(
            expert__memberships__status=Membership.Status.APPROVED,
            expert__memberships__agency__in=agencies,
        )
    ).distinct()
