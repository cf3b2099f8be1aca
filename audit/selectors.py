"""Who sees which audit entries: platform staff all, agency admins their agencies' own."""

from __future__ import annotations

from django.db.models import QuerySet

from audit.models import AuditEntry
from network.models import Membership
from network.permissions import agencies_with_role


def audit_agencies(user) -> list[int] | None:
    """Agencies whose trail ``user`` may read; None means all (staff), [] means none."""
    return agencies_with_role(user, Membership.Role.ADMIN)


def can_read_audit(user) -> bool:
    return audit_agencies(user) != []


def audit_entries(*, user, filters: dict) -> QuerySet[AuditEntry]:
    """Entries the viewer may read, newest first, narrowed by action, agency, actor and dates."""
    agencies = audit_agencies(user)
    qs = AuditEntry.objects.select_related("agency", "actor")
    if agencies is not None:
        qs = qs.filter(agency__in=agencies)
    if filters.get("action"):
        qs = qs.filter(action=filters["action"])
    if filters.get("agency"):
        qs = qs.filter(agency=filters["agency"])
    if filters.get("actor"):
        qs = qs.filter(actor_name__icontains=filters["actor"])
    if filters.get("since"):
        qs = qs.filter(created__date__gte=filters["since"])
    if filters.get("until"):
        qs = qs.filter(created__date__lte=filters["until"])
    return qs.order_by("-created", "-id")
