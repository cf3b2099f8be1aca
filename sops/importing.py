"""Bulk import: how an agency brings its existing procedures in.

Records come from a folder of Markdown files or a JSON-lines file (``records_read``) and
are published through ``sops.services`` (``records_import``), so permissions, version
numbers and events are exactly those of the pages. Each record is its own transaction: a
record that fails leaves nothing behind, and the others still go in.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from frontline.errors import ActionRefused, NotAllowed
from network.models import Agency, Country, Language, Topic
from sops import services
from sops.models import SOP, SOPVersion
from sops.permissions import can_publish_sop

REQUIRED = ("reference", "title", "body", "language", "topics")
OPTIONAL = (
    "summary",
    "change_kind",
    "visibility",
    "countries",
    "partners",
    "effective_date",
    "review_due",
)
MARKDOWN_SUFFIXES = {".md", ".markdown"}
DEFAULT_FIRST_SUMMARY = "First version, imported."
DEFAULT_REVISION_SUMMARY = "Imported revision"


class RecordError(ValueError):
    """A record that cannot be imported as it is; the message says why."""


@dataclass
class RawRecord:
    """One record as read: its fields, or the error that kept it from being read."""

    source: str  # "procedures.jsonl line 4" or "bcp/handling.md"
    data: dict | None = None
    error: str = ""


@dataclass
class Skipped:
    source: str
    reason: str


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    revised: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # filing changed, text did not
    unchanged: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "revised": len(self.revised),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "skipped": len(self.skipped),
        }


# -- reading -------------------------------------------------------------------------------


def records_read(path: str | Path) -> list[RawRecord]:
    """Read a folder of Markdown files or a JSON-lines file."""
    path = Path(path)
    if path.is_dir():
        return markdown_folder_read(path)
    if path.is_file():
        return jsonl_read(path)
    raise FileNotFoundError(str(path))


def jsonl_read(path: Path) -> list[RawRecord]:
    records = []
    with path.open(encoding="utf-8-sig") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            source = f"{path.name} line {number}"
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                error = _("not valid JSON (%(error)s)") % {"error": exc.msg}
                records.append(RawRecord(source, error=error))
                continue
            if not isinstance(data, dict):
                records.append(RawRecord(source, error=_("not a JSON object")))
                continue
            records.append(RawRecord(source, data=data))
    return records


def markdown_folder_read(folder: Path) -> list[RawRecord]:
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in MARKDOWN_SUFFIXES)
    records = []
    for file in files:
        source = str(file.relative_to(folder))
        try:
            data = markdown_parse(file.read_text(encoding="utf-8-sig"))
        except (RecordError, UnicodeDecodeError) as exc:
            records.append(RawRecord(source, error=str(exc)))
            continue
        data.setdefault("reference", file.stem)
        records.append(RawRecord(source, data=data))
    return records


def markdown_parse(text: str) -> dict:
    """Split front matter (``key: value`` lines between ``---`` lines) from the body.

    Values are read as YAML strings and lists, never as booleans or numbers, so
    ``language: no`` stays Norwegian and ``reference: 1.10`` keeps its zero. With no
    ``title`` key, a first body line ``# Title`` gives the title and leaves the body.
    """
    text = text.replace("\r\n", "\n")
    data: dict = {}
    if text.startswith("---\n"):
        end = text.find("\n---", 3)
        if end == -1:
            raise RecordError(_("front matter opened with --- is never closed"))
        try:
            data = yaml.load(text[4:end], Loader=yaml.BaseLoader) or {}
        except yaml.YAMLError as exc:
            raise RecordError(_("front matter is not valid: %(error)s") % {"error": exc}) from None
        if not isinstance(data, dict):
            raise RecordError(_("front matter must be key: value lines"))
        text = text[end + 4 :].split("\n", 1)[1] if "\n" in text[end + 4 :] else ""
    body = text.strip("\n")
    if "title" not in data:
        first, _newline, rest = body.partition("\n")
        if first.startswith("# "):
            data["title"] = first[2:].strip()
            body = rest.strip("\n")
    data["body"] = body
    return data


# -- checking ------------------------------------------------------------------------------


@dataclass
class Record:
    """A checked record, its names resolved to rows."""

    source: str
    reference: str
    title: str
    body: str
    language: Language
    topics: list[Topic]
    summary: str = ""
    change_kind: str | None = None
    visibility: str | None = None
    countries: list[Country] | None = None
    partners: list[Agency] | None = None
    effective_date: datetime.date | None = None
    review_due: datetime.date | None = None


def text_normalise(text: str) -> str:
    """Line endings and trailing spaces are not changes."""
    lines = text.replace("\r\n", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def _string(data: dict, key: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise RecordError(_("%(key)s must be text") % {"key": key})
    return str(value).strip()


def _names(data: dict, key: str) -> list[str]:
    value = data[key]
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RecordError(_("%(key)s must be a list of codes") % {"key": key})
    return [v.strip() for v in value if v.strip()]


def _date(data: dict, key: str) -> datetime.date | None:
    value = _string(data, key)
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise RecordError(
            _("%(key)s %(value)r is not a date (YYYY-MM-DD)") % {"key": key, "value": value}
        ) from None


def record_check(raw: RawRecord) -> Record:
    """Check a record's fields and resolve its codes; raise ``RecordError`` saying what is wrong."""
    if raw.error:
        raise RecordError(raw.error)
    data = raw.data or {}
    # A body that is there but blank is reported as empty below, not as missing.
    missing = [k for k in REQUIRED if data.get(k) is None or (k != "body" and data[k] in ("", []))]
    if missing:
        raise RecordError(_("missing %(fields)s") % {"fields": ", ".join(missing)})
    unknown = sorted(set(data) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise RecordError(_("unknown field %(fields)s") % {"fields": ", ".join(unknown)})
    body = text_normalise(_string(data, "body"))
    if not body:
        raise RecordError(_("the body is empty"))
    reference, title = _string(data, "reference"), _string(data, "title")
    if not reference or not title:
        raise RecordError(_("reference and title cannot be blank"))
    language = Language.objects.filter(code=_string(data, "language")).first()
    if language is None:
        raise RecordError(_("unknown language %(code)r") % {"code": _string(data, "language")})
    slugs = _names(data, "topics")
    if not slugs:
        raise RecordError(_("missing %(fields)s") % {"fields": "topics"})
    topics = list(Topic.objects.filter(slug__in=slugs))
    _require_all_found("topic", slugs, {t.slug for t in topics})
    record = Record(
        source=raw.source,
        reference=reference,
        title=title,
        body=body,
        language=language,
        topics=topics,
        summary=_string(data, "summary"),
        effective_date=_date(data, "effective_date"),
        review_due=_date(data, "review_due"),
    )
    if data.get("change_kind"):
        record.change_kind = _string(data, "change_kind")
        _require_all_found("change kind", [record.change_kind], SOPVersion.ChangeKind.values)
    if data.get("visibility"):
        record.visibility = _string(data, "visibility")
        _require_all_found("visibility", [record.visibility], SOP.Visibility.values)
    if "countries" in data:
        codes = [c.upper() for c in _names(data, "countries")]
        record.countries = list(Country.objects.filter(code__in=codes))
        _require_all_found("country", codes, {c.code for c in record.countries})
    if "partners" in data:
        codes = _names(data, "partners")
        record.partners = list(Agency.objects.filter(code__in=codes))
        _require_all_found("partner agency", codes, {a.code for a in record.partners})
    return record


def _require_all_found(what: str, wanted: Iterable[str], found: Iterable[str]) -> None:
    unknown = sorted(set(wanted) - set(found))
    if unknown:
        raise RecordError(
            _("unknown %(what)s %(names)s") % {"what": what, "names": ", ".join(unknown)}
        )


# -- importing -----------------------------------------------------------------------------


def _filing_changed(sop: SOP, record: Record) -> dict:
    """The filing fields the record sets that differ from the SOP's."""
    changes: dict = {}
    if sop.language_id != record.language.pk:
        changes["language"] = record.language
    if {t.pk for t in sop.topics.all()} != {t.pk for t in record.topics}:
        changes["topics"] = record.topics
    if record.visibility and record.visibility != sop.visibility:
        changes["visibility"] = record.visibility
    if record.countries is not None and {c.pk for c in sop.countries.all()} != {
        c.pk for c in record.countries
    }:
        changes["countries"] = record.countries
    if record.partners is not None and {a.pk for a in sop.partner_agencies.all()} != {
        a.pk for a in record.partners
    }:
        changes["partner_agencies"] = record.partners
    return changes


def _create(agency: Agency, record: Record, by) -> None:
    draft = services.sop_create(
        agency=agency,
        reference=record.reference,
        title=record.title,
        body=record.body,
        language=record.language,
        by=by,
        visibility=record.visibility or SOP.Visibility.NETWORK,
        topics=record.topics,
        countries=record.countries or (),
        partner_agencies=record.partners or (),
        change_summary=record.summary or DEFAULT_FIRST_SUMMARY,
        effective_date=record.effective_date,
        review_due=record.review_due,
    )
    services.version_publish(version=draft, by=by, imported=True)


def _revise(sop: SOP, record: Record, by) -> None:
    kind = record.change_kind or SOPVersion.ChangeKind.MINOR
    draft = services.version_start_revision(sop=sop, by=by, change_kind=kind)
    fields = {"title": record.title, "body": record.body}
    if record.effective_date:
        fields["effective_date"] = record.effective_date
    if record.review_due:
        fields["review_due"] = record.review_due
    draft = services.version_update(version=draft, by=by, expected_edit_count=None, **fields)
    services.version_publish(
        version=draft,
        by=by,
        change_summary=record.summary or DEFAULT_REVISION_SUMMARY,
        imported=True,
    )


def _import_one(agency: Agency, record: Record, by) -> str:
    """Create, revise or refile one procedure; returns which it was. Call inside a transaction."""
    sop = SOP.objects.filter(agency=agency, reference__iexact=record.reference).first()
    if sop is None:
        _create(agency, record, by)
        return "created"
    latest = sop.current_version or sop.versions.filter(major__isnull=False).first()
    if latest is None:
        raise ActionRefused(
            _("%(reference)s exists but was never published: finish or discard its draft first.")
            % {"reference": sop.reference}
        )
    filing = _filing_changed(sop, record)
    if filing:
        services.sop_update(sop=sop, by=by, **filing)
    same_text = text_normalise(latest.body) == record.body and latest.title == record.title
    if same_text and sop.current_version is not None:
        return "updated" if filing else "unchanged"
    _revise(sop, record, by)
    return "revised"


ProgressCallback = Callable[[int, int, str, str], None]


def records_import(
    *,
    agency: Agency,
    records: Iterable[RawRecord],
    by,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Publish ``records`` as ``agency``'s procedures, acting as ``by`` (a publisher).

    A new reference becomes version 1.0; a changed text or title becomes a revision
    (``change_kind``, minor by default) carrying the record's summary; an unchanged one
    is left alone. A bad record is skipped with its reason and rolls back whatever it
    had written. ``progress(done, total, source, outcome)`` is called after each record.
    """
    if not can_publish_sop(by, SOP(agency=agency)):
        raise NotAllowed(
            _("Only publishers of %(agency)s can import its procedures.") % {"agency": agency}
        )
    records = list(records)
    result = ImportResult()
    seen: dict[str, str] = {}
    for done, raw in enumerate(records, start=1):
        try:
            record = record_check(raw)
            key = record.reference.casefold()
            if key in seen:
                raise RecordError(
                    _("reference %(reference)s already imported from %(source)s")
                    % {"reference": record.reference, "source": seen[key]}
                )
            seen[key] = raw.source
            with transaction.atomic():
                outcome = _import_one(agency, record, by)
        except RecordError as exc:
            outcome = "skipped"
            result.skipped.append(Skipped(raw.source, str(exc)))
        except ActionRefused as exc:
            outcome = "skipped"
            result.skipped.append(Skipped(raw.source, exc.message))
        else:
            getattr(result, outcome).append(record.reference)
        if progress is not None:
            progress(done, len(records), raw.source, outcome)
    return result
