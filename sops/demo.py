"""Demo procedures: about forty SOPs written for this project, loaded through the services.

Each file in ``demo_content/`` is one procedure: front matter and the text of version
1.0, as ``import_sops`` reads it, plus keys only the demo uses:

- ``agency``: the owning agency's code (its demo publisher imports it);
- ``versions``: later versions, each ``summary``, ``change_kind``, optional dates and
  ``edits`` (``replace``/``with`` pairs, or ``append``) applied to the text before it;
- ``adapted_from``: ``agency-code/REFERENCE`` (and ``source_version``, e.g. ``1.0``): the
  procedure starts as an adaptation of that one, its text changed by ``adapt_edits``;
- ``translation_of``: ``agency-code/REFERENCE`` (and ``source_version``): the procedure is
  a translation of that one (same agency), its version 1.0 rendering that source version;
- ``draft``: an open revision (``author``, ``submit``, ``summary``, ``edits``) left for
  the review queue; ``status: draft`` or ``in_review`` with ``author``: a new procedure
  never published yet.

Loading is keyed by agency and reference and counts the versions already there, so a
second run adds nothing.
"""

from __future__ import annotations

import copy
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from network.demo import NAMES, unique_demo_name
from network.models import Agency, Expert, Language, Membership, Topic
from sops import services
from sops.importing import RawRecord, markdown_parse, records_import
from sops.models import SOP, SOPVersion

CONTENT_DIR = Path(__file__).with_name("demo_content")
DEMO_KEYS = (
    "agency",
    "versions",
    "draft",
    "adapted_from",
    "source_version",
    "adapt_edits",
    "translation_of",
)
NEW_DRAFT_KEYS = ("status", "author")
# Agencies whose demo accounts publish; the others get a generated publisher.
DEMO_PUBLISHERS = {"rs-batut": "publisher", "ua-phc": "outsider"}


class DemoContentError(ValueError):
    """A demo file that does not load: a bug in the content, caught by the tests."""


@dataclass
class DemoProcedure:
    file: str
    agency: str
    record: dict  # the import record of version 1.0
    versions: list[dict] = field(default_factory=list)
    draft: dict | None = None
    adapted_from: str = ""
    source_version: str = ""
    adapt_edits: list = field(default_factory=list)
    translation_of: str = ""
    status: str = ""  # "draft" / "in_review": a new procedure never published
    author: str = ""


def procedures_read(folder: Path = CONTENT_DIR) -> list[DemoProcedure]:
    procedures = []
    for path in sorted(folder.glob("*.md")):
        data = markdown_parse(path.read_text(encoding="utf-8"))
        demo = {key: data.pop(key) for key in DEMO_KEYS + NEW_DRAFT_KEYS if key in data}
        if "agency" not in demo:
            raise DemoContentError(f"{path.name}: no agency")
        procedures.append(DemoProcedure(file=path.name, record=data, **demo))
    # Adaptations and translations need their sources in place first.
    return sorted(procedures, key=lambda p: (bool(p.adapted_from or p.translation_of), p.file))


def edits_apply(text: str, edits: list, where: str) -> str:
    """Apply ``replace``/``with`` and ``append`` edits; each replaced passage must occur once."""
    for edit in edits or []:
        if "append" in edit:
            text = text.rstrip("\n") + "\n\n" + edit["append"].strip("\n")
            continue
        old, new = edit["replace"], edit["with"]
        # Any run of spaces or line breaks matches any other, so a passage can be quoted
        # on one line although the text wraps it.
        pattern = re.compile(r"\s+".join(re.escape(word) for word in old.split()))
        found = len(pattern.findall(text))
        if found != 1:
            raise DemoContentError(f"{where}: {old[:60]!r} occurs {found} times")
        text = new.join(pattern.split(text))
    return text


def demo_publisher(agency: Agency):
    """The demo account that publishes for ``agency``; generated (and kept) if it has none."""
    User = get_user_model()
    if agency.code in DEMO_PUBLISHERS:
        return User.objects.get(username=DEMO_PUBLISHERS[agency.code])
    user, created = User.objects.get_or_create(
        username=f"publisher.{agency.code}",
        defaults={"email": f"publisher.{agency.code}@frontline.example"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    rng = random.Random(agency.code)
    expert, created = Expert.objects.get_or_create(
        user=user,
        defaults={"full_name": "", "position": "SOP focal point", "country": agency.country},
    )
    others = set(Expert.objects.exclude(pk=expert.pk).values_list("full_name", flat=True))
    if created or expert.full_name in others:  # nobody in the directory twice
        expert.full_name = unique_demo_name(rng, NAMES[agency.country.code], others)
        expert.save(update_fields=["full_name"])
    Membership.objects.update_or_create(
        expert=expert,
        agency=agency,
        defaults={"role": Membership.Role.PUBLISHER, "status": Membership.Status.APPROVED},
    )
    return user


def _records(procedure: DemoProcedure, first: dict) -> list[dict]:
    """The import record of every published version, in order."""
    records = [first]
    for n, revision in enumerate(procedure.versions, start=2):
        previous = records[-1]
        record = {k: v for k, v in previous.items() if k not in {"effective_date", "review_due"}}
        record["body"] = edits_apply(
            previous["body"], revision.get("edits"), f"{procedure.file} v{n}"
        )
        record["title"] = revision.get("title", previous["title"])
        record["summary"] = revision["summary"]
        record["change_kind"] = revision.get("change_kind", SOPVersion.ChangeKind.MINOR)
        for key in ("effective_date", "review_due"):
            if key in revision:
                record[key] = revision[key]
        records.append(record)
    return records


def _adapt(procedure: DemoProcedure, agency: Agency, by) -> SOP:
    source_code, _, source_ref = procedure.adapted_from.partition("/")
    source_sop = SOP.objects.get(agency__code=source_code, reference=source_ref)
    source = source_sop.current_version
    if procedure.source_version:
        major, minor = (int(n) for n in procedure.source_version.split("."))
        source = source_sop.versions.get(major=major, minor=minor)
    record = procedure.record
    draft = services.sop_adapt(
        source=source, agency=agency, reference=record["reference"], by=by, title=record["title"]
    )
    fields = {"body": edits_apply(source.body, procedure.adapt_edits, procedure.file)}
    for key in ("effective_date", "review_due"):
        if key in record:
            fields[key] = record[key]
    draft = services.version_update(version=draft, by=by, expected_edit_count=None, **fields)
    summary = record.get("summary") or draft.change_summary
    # Demo content stands for records approved before they reached Frontline (like the
    # importer's): four eyes is not asked again.
    services.version_publish(version=draft, by=by, change_summary=summary, imported=True)
    return draft.sop


def _import(procedure: DemoProcedure, agency: Agency, record: dict, n: int, by) -> None:
    raw = RawRecord(f"{procedure.file} v{n}", data=record)
    result = records_import(agency=agency, records=[raw], by=by)
    if result.skipped or not (result.created or result.revised):
        raise DemoContentError(f"{raw.source}: {result.skipped or 'nothing to publish'}")


def _open_draft(procedure: DemoProcedure, sop: SOP) -> None:
    spec = procedure.draft
    author = get_user_model().objects.get(username=spec["author"])
    kind = spec.get("change_kind", SOPVersion.ChangeKind.MINOR)
    draft = services.version_start_revision(sop=sop, by=author, change_kind=kind)
    body = edits_apply(draft.body, spec.get("edits"), f"{procedure.file} draft")
    draft = services.version_update(
        version=draft,
        by=author,
        expected_edit_count=None,
        body=body,
        change_summary=spec["summary"],
    )
    if spec.get("submit") == "true":
        services.version_submit(version=draft, by=author)


def _new_unpublished(procedure: DemoProcedure, agency: Agency) -> int:
    if SOP.objects.filter(agency=agency, reference=procedure.record["reference"]).exists():
        return 0
    record = procedure.record
    author = get_user_model().objects.get(username=procedure.author)
    draft = services.sop_create(
        agency=agency,
        reference=record["reference"],
        title=record["title"],
        body=record["body"],
        language=Language.objects.get(code=record["language"]),
        by=author,
        visibility=record.get("visibility", SOP.Visibility.NETWORK),
        topics=Topic.objects.filter(slug__in=record["topics"]),
        change_summary=record.get("summary", ""),
    )
    if procedure.status == SOPVersion.Status.IN_REVIEW:
        services.version_submit(version=draft, by=author)
    return 1


def procedure_load(procedure: DemoProcedure) -> int:
    """Bring one procedure up to its demo state; returns how many versions it added."""
    agency = Agency.objects.get(code=procedure.agency)
    if procedure.status:
        return _new_unpublished(procedure, agency)
    by = demo_publisher(agency)
    reference = procedure.record["reference"]
    sop = SOP.objects.filter(agency=agency, reference=reference).first()
    added = 0
    first = copy.deepcopy(procedure.record)
    if procedure.adapted_from:
        if sop is None:
            sop = _adapt(procedure, agency, by)
            added += 1
        current = sop.versions.filter(major=1, minor=0).get()
        first.update(
            body=current.body,
            language=sop.language_id,
            topics=list(sop.topics.values_list("slug", flat=True)),
        )
    records = _records(procedure, first)
    done = sop.versions.filter(major__isnull=False).count() if sop else 0
    for n, record in enumerate(records[done:], start=done + 1):
        _import(procedure, agency, record, n, by)
        added += 1
    sop = SOP.objects.get(agency=agency, reference=reference)
    if procedure.draft and sop.versions.count() == len(records):
        _open_draft(procedure, sop)
        added += 1
    if procedure.translation_of and sop.translation_of_id is None:
        _link_translation(procedure, sop, by)
    return added


def _link_translation(procedure: DemoProcedure, sop: SOP, by) -> None:
    """Link the translation to its source, its 1.0 rendering ``source_version``."""
    source_code, _, source_ref = procedure.translation_of.partition("/")
    source = SOP.objects.get(agency__code=source_code, reference=source_ref)
    version = None
    if procedure.source_version:
        major, minor = (int(n) for n in procedure.source_version.split("."))
        version = source.versions.get(major=major, minor=minor)
    services.sop_translation_link(translation=sop, source=source, by=by, source_version=version)


def seed_sops(folder: Path = CONTENT_DIR) -> dict:
    """Load the demo procedures (after ``seed_network``); returns counts of what exists."""
    added = 0
    for procedure in procedures_read(folder):
        with transaction.atomic():
            added += procedure_load(procedure)
    versions = SOPVersion.objects
    return {
        "procedures": SOP.objects.count(),
        "published versions": versions.filter(major__isnull=False).count(),
        "drafts and reviews": versions.filter(
            status__in=[SOPVersion.Status.DRAFT, SOPVersion.Status.IN_REVIEW]
        ).count(),
        "added now": added,
    }
