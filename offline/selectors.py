"""What a member may keep on a device now, and what changed since a device last looked.

The read rule is not written here: visibility comes from ``sops.permissions`` and the
version in force from ``sops.compliance``. This module only narrows that down to what
the member chose to keep (and to what a shared device may hold).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from network.permissions import approved_roles
from offline.models import KeptItem, KitSettings
from sops import compliance
from sops.models import SOP, Attachment, SOPVersion
from sops.permissions import visible_sops_q
from sops.selectors import READABLE_STATUSES

# A kit is for reading at a post, not an archive: past this the list is cut (and says so).
KIT_MAX_SOPS = 500


@dataclass
class KitAttachment:
    id: int
    name: str
    url: str
    size: int
    sha256: str
    kept: bool  # False: larger than the member's limit, listed but not stored

    def as_dict(self) -> dict:
        return self.__dict__.copy()


@dataclass
class KitEntry:
    """One procedure on the device: its version in force and where to fetch it."""

    sop: SOP
    version_id: int
    number: str
    change_kind: str
    why: list[str]
    attachments: list[KitAttachment] = field(default_factory=list)
    text: str = ""

    @property
    def etag(self) -> str:
        # A published version never changes: the version id is its content's identity.
        return f'"sop{self.sop.pk}-v{self.version_id}"'

    @property
    def size(self) -> int:
        """Bytes the device stores, roughly: the page (its text plus the layout) and attachments."""
        return len(self.text.encode()) + 12_000 + sum(a.size for a in self.attachments if a.kept)

    def as_dict(self, with_text: bool = False) -> dict:
        data = {
            "id": self.sop.pk,
            "reference": self.sop.reference,
            "title": self.sop.title,
            "agency": self.sop.agency.acronym or self.sop.agency.name,
            "version_id": self.version_id,
            "number": self.number,
            "change_kind": self.change_kind,
            "etag": self.etag,
            "url": self.sop.get_absolute_url(),
            "size": self.size,
            "why": self.why,
            "attachments": [a.as_dict() for a in self.attachments],
        }
        if with_text:
            data["text"] = self.text
        return data


def access_fingerprint(user) -> str:
    """Changes whenever what the member may see could have changed as a whole: a device
    holding another fingerprint drops its whole kit and fetches it again."""
    settings = KitSettings.for_user(user)
    parts = [
        str(user.pk),
        "staff" if user.is_staff else "",
        ",".join(f"{a}:{r}" for a, r in sorted(approved_roles(user).items())),
        "shared" if settings.shared_device else "own",
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def kept_items(*, user):
    return (
        KeptItem.objects.filter(user=user)
        .select_related("sop", "sop__agency", "agency", "topic")
        .order_by("kind", "created")
    )


def kit_entries(*, user, ids=None, with_text: bool = False) -> list[KitEntry]:
    """Every procedure the member keeps and may see now, at its version in force.

    Kept: their own agencies' procedures (unless they turned that off), and the SOPs,
    agencies and topics they chose. Never: what they may not see; on a shared device,
    agency-only procedures of an agency that does not allow it.
    """
    if not user or not user.is_authenticated:
        return []
    settings = KitSettings.for_user(user)
    kept = list(KeptItem.objects.filter(user=user).values_list("kind", "sop", "agency", "topic"))
    sop_ids = {s for kind, s, _a, _t in kept if kind == KeptItem.Kind.SOP}
    agency_ids = {a for kind, _s, a, _t in kept if kind == KeptItem.Kind.AGENCY}
    topic_ids = {t for kind, _s, _a, t in kept if kind == KeptItem.Kind.TOPIC}
    own = set(approved_roles(user)) if settings.keep_own_agency else set()
    wanted = Q(pk__in=sop_ids) | Q(agency__in=agency_ids | own) | Q(topics__in=topic_ids)
    qs = SOP.objects.filter(visible_sops_q(user)).filter(wanted, current_version__isnull=False)
    if settings.shared_device:
        qs = qs.exclude(
            Q(visibility=SOP.Visibility.AGENCY)
            & ~Q(agency__offline_policy__allow_shared_devices=True)
        )
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    sops = list(
        SOP.objects.filter(pk__in=qs.values("pk"))
        .select_related("agency")
        .prefetch_related("topics")
        .order_by("agency__name", "reference", "pk")[:KIT_MAX_SOPS]
    )
    in_force = compliance.in_force_map([s.pk for s in sops])
    versions = {v.pk: v for v in in_force.values()}
    attachments: dict[int, list[KitAttachment]] = {}
    for a in Attachment.objects.filter(version__in=list(versions)).order_by("name"):
        attachments.setdefault(a.version_id, []).append(
            KitAttachment(
                id=a.pk,
                name=a.name,
                url=a.get_absolute_url(),
                size=a.size,
                sha256=a.sha256,
                kept=a.size <= settings.max_attachment_bytes,
            )
        )
    entries = []
    for sop in sops:
        version = in_force.get(sop.pk)
        if version is None:
            continue
        why = []
        if sop.pk in sop_ids:
            why.append("sop")
        if sop.agency_id in own:
            why.append("own_agency")
        if sop.agency_id in agency_ids:
            why.append("agency")
        if topic_ids & {t.pk for t in sop.topics.all()}:
            why.append("topic")
        entries.append(
            KitEntry(
                sop=sop,
                version_id=version.pk,
                number=version.number,
                change_kind=version.change_kind,
                why=why,
                attachments=attachments.get(version.pk, []),
                text=f"{version.title}\n{version.body}" if with_text else "",
            )
        )
    return entries


def kit_check(*, user, held: dict[int, int]) -> dict:
    """Compare what a device holds (sop id -> version id) with the kit now.

    One small answer: which procedures changed (with old and new numbers, and whether the
    member must acknowledge), which must go (withdrawn, no longer visible, no longer
    kept), which are new. Nothing about a procedure the member may not see.
    """
    entries = {e.sop.pk: e for e in kit_entries(user=user)}
    changed, removed, added = [], [], []
    stale = [v for s, v in held.items() if s in entries and entries[s].version_id != v]
    # Only versions of procedures still in the kit: an id the device sends never reveals another.
    old_versions = {
        v.pk: v
        for v in SOPVersion.objects.filter(
            pk__in=stale, sop_id__in=list(entries), status__in=READABLE_STATUSES
        ).only("sop_id", "major", "minor")
    }
    for sop_id, version_id in held.items():
        entry = entries.get(sop_id)
        if entry is None:
            removed.append(sop_id)
        elif entry.version_id != version_id:
            old = old_versions.get(version_id)
            if old is not None and old.sop_id != sop_id:
                old = None
            new_major = int(entry.number.split(".")[0])
            owed = compliance.acknowledgement_owed(user=user, sop=entry.sop)
            changed.append(
                {
                    "id": sop_id,
                    "reference": entry.sop.reference,
                    "from": old.number if old else "",
                    "to": entry.number,
                    "major": old is None or (old.major or 0) < new_major,
                    "acknowledge": owed is not None and owed.in_force.pk == entry.version_id,
                    "version_id": entry.version_id,
                }
            )
    added = [sop_id for sop_id in entries if sop_id not in held]
    return {
        "checked_at": timezone.now().isoformat(),
        "access": access_fingerprint(user),
        "changed": changed,
        "removed": sorted(removed),
        "added": added,
    }


def kit_page_url() -> str:
    return reverse("offline:kit")
