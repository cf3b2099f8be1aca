"""Reads of procedures for pages, shaped so lists cost a fixed number of queries.

Every function takes the viewer and applies ``sops.permissions``: a procedure the viewer
may not see is never returned, and a procedure with nothing but drafts exists only for
the owning agency's editors.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from network.models import Membership
from network.permissions import agencies_with_role
from sops.compliance import review_overdue_q
from sops.models import SOP, Acknowledgement, Attachment, SOPVersion
from sops.permissions import WORKING_STATUSES, can_edit_sop, can_view_version, visible_sops_q

Status = SOPVersion.Status
READABLE_STATUSES = [Status.PUBLISHED, Status.SCHEDULED, Status.SUPERSEDED, Status.WITHDRAWN]


def _has_readable_text() -> Q:
    # A current version is a published one: only SOPs without one (withdrawn, or not yet
    # published) need the look at their versions, which over 20,000 SOPs cost 10 ms a query.
    readable = SOPVersion.objects.filter(sop=OuterRef("pk"), status__in=READABLE_STATUSES)
    return Q(current_version__isnull=False) | Exists(readable)


def _has_open_draft() -> Exists:
    return Exists(SOPVersion.objects.filter(sop=OuterRef("pk"), status__in=WORKING_STATUSES))


def findable_sops(user) -> QuerySet[SOP]:
    """SOPs the viewer may find: visible ones with readable text, plus drafts of their agencies."""
    editing = agencies_with_role(user, Membership.Role.EDITOR)
    qs = SOP.objects.annotate(has_text=_has_readable_text())
    if editing is None:
        return qs
    return qs.filter(visible_sops_q(user)).filter(Q(has_text=True) | Q(agency__in=editing))


# The list's order (page and API). ``sops.listing.RowsByAgency`` reads pages in it agency by
# agency, and refuses a queryset in any other.
LIST_ORDER = ("agency__country__name", "agency__name", "reference", "pk")


def sop_list(*, user, filters: dict) -> QuerySet[SOP]:
    """The filtered list (page and API): each row's agency, language, current version, topics.

    ``filters`` holds model instances (agency, country, topic, category, language) and
    strings (q, visibility, status). ``status="draft"`` only ever finds the viewer's own
    agencies' work in progress: nobody else learns that a draft exists, not even as a count.
    """
    qs = findable_sops(user).annotate(has_open_draft=_has_open_draft())
    if filters.get("q"):
        q = filters["q"]
        qs = qs.filter(Q(title__icontains=q) | Q(reference__icontains=q))
    if filters.get("agency"):
        qs = qs.filter(agency=filters["agency"])
    if filters.get("country"):
        qs = qs.filter(countries=filters["country"])
    for name in ("topic", "category"):
        if filters.get(name):
            qs = qs.filter(topics=filters[name])
    if filters.get("language"):
        qs = qs.filter(language=filters["language"])
    if filters.get("visibility"):
        qs = qs.filter(visibility=filters["visibility"])
    status = filters.get("status")
    if status == "published":
        qs = qs.filter(current_version__isnull=False)
    elif status == "withdrawn":
        qs = qs.filter(current_version__isnull=True, has_text=True)
    elif status == "review_overdue":
        qs = qs.filter(review_overdue_q())
    elif status == "draft":
        # Work in progress is the owning agency's business: readers never filter on it.
        editing = agencies_with_role(user, Membership.Role.EDITOR)
        qs = qs.filter(has_open_draft=True)
        if editing is not None:
            qs = qs.filter(agency__in=editing)
    # No filter above repeats a row (sharing is an EXISTS; each many-to-many filter names
    # one topic or country), so no DISTINCT. The version in force is read once the page is
    # cut: joined, it made each of the 20,000 rows wide all through the sort.
    return (
        qs.select_related("agency", "agency__country", "language")
        .prefetch_related("current_version", "topics", "countries")
        .order_by(*LIST_ORDER)
    )


def sop_for_viewer(*, user, pk: int) -> SOP | None:
    """One SOP the viewer may open, or None (the page then answers 404)."""
    return (
        findable_sops(user)
        .select_related(
            "agency",
            "agency__country",
            "language",
            "current_version",
            "adapted_from",
            "adapted_from__sop",
            "adapted_from__sop__agency",
            "adapted_from__sop__current_version",
        )
        .prefetch_related("topics", "countries", "partner_agencies")
        .filter(pk=pk)
        .first()
    )


def version_for_viewer(*, user, pk: int, sop_id: int | None = None) -> SOPVersion | None:
    """One version the viewer may read (drafts: the owning agency's editors only), or None."""
    qs = SOPVersion.objects.select_related(
        "sop",
        "sop__agency",
        "sop__language",
        "sop__current_version",
        "author",
        "approver",
        "translated_from",
    ).prefetch_related("attachments")
    if sop_id is not None:
        qs = qs.filter(sop_id=sop_id)
    version = qs.filter(pk=pk).first()
    if version is None or not can_view_version(user, version):
        return None
    return version


def attachment_for_viewer(*, user, pk: int) -> Attachment | None:
    """An attachment whose version the viewer may read, or None."""
    attachment = Attachment.objects.select_related("version__sop__agency").filter(pk=pk).first()
    if attachment is None or not can_view_version(user, attachment.version):
        return None
    return attachment


def sop_versions(*, user, sop: SOP) -> list[SOPVersion]:
    """Versions newest first; drafts and versions in review only for the agency's editors."""
    qs = sop.versions.select_related("author__expert", "approver__expert")
    if not can_edit_sop(user, sop):
        qs = qs.filter(status__in=READABLE_STATUSES)
    return sorted(qs, key=version_order, reverse=True)


def version_order(version: SOPVersion) -> tuple:
    """Numbered versions by number; an unnumbered draft comes after all of them."""
    if version.major is None:
        return (1, 0, 0, version.created)
    return (0, version.major, version.minor, version.created)


def versions_between(versions: list[SOPVersion], older: SOPVersion, newer: SOPVersion):
    """The versions after ``older`` up to and including ``newer``, oldest first."""
    low, high = version_order(older), version_order(newer)
    return [v for v in sorted(versions, key=version_order) if low < version_order(v) <= high]


def sop_adaptations(*, user, sop: SOP) -> QuerySet[SOP]:
    """Other agencies' procedures adapted from any version of ``sop`` that the viewer may find."""
    found = findable_sops(user).filter(adapted_from__sop=sop)
    return (
        SOP.objects.filter(pk__in=found.values("pk"))
        .select_related("agency", "agency__country", "adapted_from", "current_version")
        .order_by("agency__country__name", "agency__name", "reference")
    )


def acknowledgement_of(*, user, version: SOPVersion | None) -> Acknowledgement | None:
    if version is None or not user.is_authenticated:
        return None
    return Acknowledgement.objects.filter(version=version, user=user).first()


def review_queue(*, user) -> QuerySet[SOPVersion]:
    """Versions waiting for review in the agencies where the viewer publishes."""
    agencies = agencies_with_role(user, Membership.Role.PUBLISHER)
    qs = SOPVersion.objects.filter(status=Status.IN_REVIEW)
    if agencies is not None:
        qs = qs.filter(sop__agency__in=agencies)
    return qs.select_related("sop", "sop__agency", "author", "based_on").order_by("submitted", "pk")
