"""Reads about what binds people: which version is in force (from the dates), which one
comes next, which major revision each member still owes an acknowledgement, and which
reviews are due. One home for these rules: pages, API, exports and beat jobs call them.

"In force" is decided from the dates, never only from the state a beat job flips: an
approved version whose effective date has come is in force even if beat was down.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from network.models import Agency, Membership
from sops.models import SOP, Acknowledgement, SOPVersion

Status = SOPVersion.Status
ChangeKind = SOPVersion.ChangeKind
REVIEW_SOON_DAYS = 30


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def _in_force_q(today: datetime.date) -> Q:
    return Q(status=Status.PUBLISHED) | Q(status=Status.SCHEDULED, effective_date__lte=today)


def _number(version: SOPVersion) -> tuple[int, int]:
    return (version.major or 0, version.minor or 0)


# A version's text, which the acknowledgement and review lists never show: lists of every
# procedure of an agency leave it in the database (it made home's query 22 of 31 ms).
TEXT_FIELDS = ("body", "rendered")


def in_force_map(
    sop_ids, today: datetime.date | None = None, *, with_text: bool = True
) -> dict[int, SOPVersion]:
    """sop id -> the version in force today (one query for any number of SOPs)."""
    found: dict[int, SOPVersion] = {}
    qs = SOPVersion.objects.filter(_in_force_q(_today(today)), sop_id__in=list(sop_ids))
    if not with_text:
        qs = qs.defer(*TEXT_FIELDS)
    for version in qs.select_related("approver__expert"):
        held = found.get(version.sop_id)
        if held is None or _number(version) > _number(held):
            found[version.sop_id] = version
    return found


def in_force(sop: SOP, today: datetime.date | None = None) -> SOPVersion | None:
    return in_force_map([sop.pk], today).get(sop.pk)


def upcoming(sop: SOP, today: datetime.date | None = None) -> SOPVersion | None:
    """The approved version that takes effect later ("from 15 Dec: 3.0"), if any."""
    return (
        SOPVersion.objects.filter(
            sop=sop, status=Status.SCHEDULED, effective_date__gt=_today(today)
        )
        .order_by("effective_date")
        .first()
    )


def is_in_force(version: SOPVersion, today: datetime.date | None = None) -> bool:
    current = in_force(version.sop, today)
    return current is not None and current.pk == version.pk


# Acknowledgements ------------------------------------------------------------------


def _major_revisions():
    return SOPVersion.objects.filter(
        change_kind=ChangeKind.MAJOR,
        major__isnull=False,
        status__in=[Status.PUBLISHED, Status.SCHEDULED, Status.SUPERSEDED],
    )


def _sops_with_unacknowledged_major(user, agency_ids: list[int]):
    """Ids of ``agency_ids``' SOPs with a major revision ``user`` acknowledged neither itself
    nor by a later version: every SOP they can owe is among them, so only those need the
    exact reckoning (someone up to date in an agency of 500 procedures costs no row per
    procedure). Naming the agencies here lets the database start from their procedures
    instead of scanning every version of the library (8 ms at 20,000 procedures)."""
    covering = Acknowledgement.objects.filter(
        user=user, version__sop_id=OuterRef("sop_id"), version__major__isnull=False
    ).filter(
        Q(version__major__gt=OuterRef("major"))
        | Q(version__major=OuterRef("major"), version__minor__gte=OuterRef("minor"))
    )
    return (
        _major_revisions()
        .filter(sop__agency_id__in=agency_ids)
        .exclude(Exists(covering))
        .values("sop_id")
    )


def _majors_map(sop_ids, in_force_by_sop: dict[int, SOPVersion]) -> dict[int, SOPVersion]:
    """sop id -> the latest major revision up to the version in force."""
    majors: dict[int, SOPVersion] = {}
    qs = _major_revisions().filter(sop_id__in=list(sop_ids)).defer(*TEXT_FIELDS)
    for version in qs:
        current = in_force_by_sop.get(version.sop_id)
        if current is None or _number(version) > _number(current):
            continue
        held = majors.get(version.sop_id)
        if held is None or _number(version) > _number(held):
            majors[version.sop_id] = version
    return majors


def _acknowledged_map(sop_ids, user_ids) -> dict[tuple[int, int], tuple[int, int]]:
    """(sop id, user id) -> the highest version number the user acknowledged."""
    best: dict[tuple[int, int], tuple[int, int]] = {}
    rows = Acknowledgement.objects.filter(
        version__sop_id__in=list(sop_ids), user_id__in=list(user_ids)
    ).values_list("version__sop_id", "user_id", "version__major", "version__minor")
    for sop_id, user_id, major, minor in rows:
        key = (sop_id, user_id)
        number = (major or 0, minor or 0)
        if number > best.get(key, (-1, -1)):
            best[key] = number
    return best


def covers(acknowledged: tuple[int, int] | None, major: SOPVersion) -> bool:
    """Acknowledging a version covers every major revision up to it."""
    return acknowledged is not None and acknowledged >= _number(major)


@dataclass
class Owed:
    """A major revision a member must still acknowledge, and the version to acknowledge."""

    sop: SOP
    major: SOPVersion
    in_force: SOPVersion
    due: datetime.date | None

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < timezone.localdate()


def acknowledgements_owed(*, user, today: datetime.date | None = None) -> list[Owed]:
    """Every procedure of the user's agencies whose latest major revision they have not
    acknowledged (by acknowledging it or any later version), soonest due first."""
    if not user.is_authenticated:
        return []
    agencies = list(
        Membership.objects.filter(expert__user=user, status=Membership.Status.APPROVED).values_list(
            "agency_id", flat=True
        )
    )
    candidates = SOP.objects.filter(
        agency__in=agencies, pk__in=_sops_with_unacknowledged_major(user, agencies)
    )
    sops = {s.pk: s for s in candidates.select_related("agency")}
    current = in_force_map(sops, today, with_text=False)
    majors = _majors_map(current, current)
    acked = _acknowledged_map(majors, [user.pk])
    owed = [
        Owed(sops[sop_id], major, current[sop_id], major.acknowledge_by)
        for sop_id, major in majors.items()
        if not covers(acked.get((sop_id, user.pk)), major)
    ]
    return sorted(owed, key=lambda o: (o.due or datetime.date.max, o.sop.reference))


def acknowledgement_owed(*, user, sop: SOP, today: datetime.date | None = None) -> Owed | None:
    """The major revision of ``sop`` that ``user`` must acknowledge, if they are a member."""
    if not user.is_authenticated:
        return None
    if not Membership.objects.filter(
        expert__user=user, agency_id=sop.agency_id, status=Membership.Status.APPROVED
    ).exists():
        return None
    current = in_force_map([sop.pk], today)
    major = _majors_map([sop.pk], current).get(sop.pk)
    if major is None:
        return None
    if covers(_acknowledged_map([sop.pk], [user.pk]).get((sop.pk, user.pk)), major):
        return None
    return Owed(sop, major, current[sop.pk], major.acknowledge_by)


@dataclass
class AcknowledgementRow:
    """One procedure on the agency dashboard: its version in force and who acknowledged."""

    sop: SOP
    in_force: SOPVersion | None
    major: SOPVersion | None
    acknowledged: list = field(default_factory=list)  # (membership, number acknowledged)
    pending: list = field(default_factory=list)  # memberships
    overdue: bool = False


def agency_members(agency: Agency) -> list[Membership]:
    return list(
        agency.memberships.filter(status=Membership.Status.APPROVED, expert__user__is_active=True)
        .select_related("expert")
        .order_by("expert__full_name", "pk")
    )


def agency_acknowledgements(
    *, agency: Agency, today: datetime.date | None = None
) -> list[AcknowledgementRow]:
    """Per procedure of ``agency``: who has and has not acknowledged its latest major revision.

    A fixed number of queries whatever the number of procedures and members.
    """
    today = _today(today)
    members = agency_members(agency)
    sops = list(
        agency.sops.prefetch_related(
            Prefetch(
                "versions",
                queryset=SOPVersion.objects.filter(status__in=[Status.DRAFT, Status.IN_REVIEW]),
                to_attr="open_versions",
            )
        ).order_by("reference", "pk")
    )
    current = in_force_map([s.pk for s in sops], today, with_text=False)
    majors = _majors_map(current, current)
    acked = _acknowledged_map(majors, [m.expert.user_id for m in members])
    rows = []
    for sop in sops:
        major = majors.get(sop.pk)
        row = AcknowledgementRow(sop=sop, in_force=current.get(sop.pk), major=major)
        if major is not None:
            for m in members:
                number = acked.get((sop.pk, m.expert.user_id))
                if covers(number, major):
                    row.acknowledged.append((m, f"{number[0]}.{number[1]}"))
                else:
                    row.pending.append(m)
            row.overdue = (
                bool(row.pending) and bool(major.acknowledge_by) and (major.acknowledge_by < today)
            )
        rows.append(row)
    return rows


def pending_user_ids(sop: SOP, major: SOPVersion) -> list[int]:
    """Active approved members of the owning agency who have not acknowledged ``major``."""
    users = list(
        Membership.objects.filter(
            agency_id=sop.agency_id,
            status=Membership.Status.APPROVED,
            expert__user__is_active=True,
        ).values_list("expert__user_id", flat=True)
    )
    acked = _acknowledged_map([sop.pk], users)
    return sorted(u for u in set(users) if not covers(acked.get((sop.pk, u)), major))


def majors_asking_now(today: datetime.date | None = None) -> list[tuple[SOP, SOPVersion]]:
    """Every procedure in force whose latest major revision has a due date to chase."""
    today = _today(today)
    sop_ids = SOPVersion.objects.filter(_in_force_q(today)).values_list("sop_id", flat=True)
    sops = {s.pk: s for s in SOP.objects.filter(pk__in=sop_ids).select_related("agency")}
    current = in_force_map(sops, today, with_text=False)
    majors = _majors_map(current, current)
    return [(sops[s], m) for s, m in majors.items() if m.acknowledge_by is not None]


# Reviews ---------------------------------------------------------------------------


def review_state(version: SOPVersion | None, today: datetime.date | None = None) -> str:
    """ "overdue", "soon" (within 30 days) or "" for the version in force."""
    if version is None or version.review_due is None:
        return ""
    today = _today(today)
    if version.review_due <= today:
        return "overdue"
    if version.review_due <= today + datetime.timedelta(days=REVIEW_SOON_DAYS):
        return "soon"
    return ""


def review_overdue_q(today: datetime.date | None = None, prefix: str = "") -> Q:
    """SOPs (``prefix`` ""), whose version in force is past its review date."""
    return Q(
        **{
            f"{prefix}current_version__review_due__lte": _today(today),
            f"{prefix}current_version__status": Status.PUBLISHED,
        }
    )


def reviews_due(*, agency_ids, today: datetime.date | None = None) -> list[SOPVersion]:
    """Versions in force in these agencies (None: all) overdue or due within 30 days."""
    today = _today(today)
    qs = SOPVersion.objects.filter(
        status=Status.PUBLISHED,
        review_due__lte=today + datetime.timedelta(days=REVIEW_SOON_DAYS),
    )
    if agency_ids is not None:
        qs = qs.filter(sop__agency__in=list(agency_ids))
    return list(qs.select_related("sop", "sop__agency").order_by("review_due", "pk"))
