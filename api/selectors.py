"""What the API lets a viewer read, built on sops.permissions so it matches the pages."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from network.models import Membership
from network.permissions import ROLE_RANK, approved_roles
from sops.models import SOP, Attachment, SOPVersion
from sops.permissions import WORKING_STATUSES, can_edit_sop, can_view_version, visible_sops_q

Status = SOPVersion.Status
READABLE = [Status.PUBLISHED, Status.SCHEDULED, Status.SUPERSEDED, Status.WITHDRAWN]


def editing_agencies(user) -> list[int] | None:
    """Agencies where ``user`` writes drafts; None means all of them (staff)."""
    if not user or not user.is_authenticated:
        return []
    if user.is_staff:
        return None
    rank = ROLE_RANK[Membership.Role.EDITOR]
    return [a for a, role in approved_roles(user).items() if ROLE_RANK[role] >= rank]


def sops_for(user) -> QuerySet[SOP]:
    """Visible SOPs with readable text, plus those with only drafts for their agency's editors."""
    has_text = Exists(SOPVersion.objects.filter(sop=OuterRef("pk"), status__in=READABLE))
    editing = editing_agencies(user)
    found = SOP.objects.filter(visible_sops_q(user))
    if editing is not None:
        found = found.annotate(has_text=has_text).filter(Q(has_text=True) | Q(agency__in=editing))
    return SOP.objects.filter(pk__in=found.values("pk"))


def sop_list(*, user, filters: dict) -> QuerySet[SOP]:
    qs = sops_for(user)
    if filters.get("q"):
        q = filters["q"]
        qs = qs.filter(Q(title__icontains=q) | Q(reference__icontains=q))
    if filters.get("agency"):
        qs = qs.filter(agency__code=filters["agency"])
    if filters.get("topic"):
        qs = qs.filter(topics__slug=filters["topic"])
    if filters.get("country"):
        qs = qs.filter(countries__code=filters["country"].upper())
    if filters.get("language"):
        qs = qs.filter(language__code=filters["language"])
    if filters.get("visibility"):
        qs = qs.filter(visibility=filters["visibility"])
    status = filters.get("status")
    if status == "published":
        qs = qs.filter(current_version__isnull=False)
    elif status == "withdrawn":
        qs = qs.filter(current_version__isnull=True, versions__status=Status.WITHDRAWN)
    elif status == "draft":
        qs = qs.filter(versions__status__in=WORKING_STATUSES)
    return (
        SOP.objects.filter(pk__in=qs.values("pk"))
        .select_related("agency", "language", "current_version")
        .prefetch_related("topics", "countries")
        .order_by("agency__code", "reference", "pk")
    )


def sop_get(*, user, pk: int) -> SOP | None:
    return (
        sops_for(user)
        .select_related("agency", "language", "current_version", "adapted_from")
        .prefetch_related("topics", "countries", "partner_agencies")
        .filter(pk=pk)
        .first()
    )


def sop_versions(*, user, sop: SOP) -> QuerySet[SOPVersion]:
    qs = sop.versions.select_related("sop", "author", "approver").prefetch_related("attachments")
    if not can_edit_sop(user, sop):
        qs = qs.filter(status__in=READABLE)
    return qs.order_by("-created", "-pk")


def version_get(*, user, pk: int) -> SOPVersion | None:
    """A version the viewer may read (drafts: the owning agency's editors only), or None."""
    version = (
        SOPVersion.objects.select_related("sop", "sop__agency", "author", "approver")
        .prefetch_related("attachments")
        .filter(pk=pk, sop__in=sops_for(user))
        .first()
    )
    if version is None or not can_view_version(user, version):
        return None
    return version


def attachment_get(*, user, pk: int) -> Attachment | None:
    attachment = Attachment.objects.select_related("version", "version__sop").filter(pk=pk).first()
    if attachment is None or version_get(user=user, pk=attachment.version_id) is None:
        return None
    return attachment
