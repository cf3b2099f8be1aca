"""Every change to a procedure: drafting, review, publishing, revision, adaptation,
acknowledgement and attachments.

Each function takes the acting user (``by``), checks their role in the owning agency,
refuses illegal moves with a message written for them, writes in one transaction and
records its events. A published version is never changed here or anywhere else.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from events.services import event_emit
from frontline.errors import ActionRefused, Conflict, NotAllowed, StaleEdit, required_text
from network.models import Agency, Language
from sops.files import download_name, sha256_of, sniff_content_type
from sops.limits import refuse_bad_version_text
from sops.models import SOP, Acknowledgement, Attachment, SOPVersion
from sops.permissions import can_edit_sop, can_publish_sop, can_view_sop
from sops.rendering import rendered_for_storage

Status = SOPVersion.Status
ChangeKind = SOPVersion.ChangeKind

DRAFT_FIELDS = {"title", "body", "change_summary", "change_kind", "effective_date", "review_due"}
DEFAULT_MAX_UPLOAD = 10 * 1024 * 1024


def _require_editor(user, sop: SOP) -> None:
    if not can_edit_sop(user, sop):
        raise NotAllowed(
            _("Only editors and publishers of %(agency)s can do this.") % {"agency": sop.agency}
        )


def _require_publisher(user, sop: SOP) -> None:
    if not can_publish_sop(user, sop):
        raise NotAllowed(_("Only publishers of %(agency)s can do this.") % {"agency": sop.agency})


def _locked(version: SOPVersion) -> SOPVersion:
    return (
        SOPVersion.objects.select_for_update()
        .select_related("sop", "sop__agency")
        .get(pk=version.pk)
    )


def _require_status(version: SOPVersion, *allowed: str, action: str) -> None:
    if version.status not in allowed:
        raise Conflict(
            _("Cannot %(action)s a version that is %(status)s.")
            % {"action": action, "status": version.get_status_display().lower()}
        )


def _check_dates(effective_date, review_due) -> None:
    if effective_date and review_due and review_due <= effective_date:
        raise ActionRefused(_("The review-due date must come after the effective date."))


@transaction.atomic
def sop_create(
    *,
    agency: Agency,
    reference: str,
    title: str,
    body: str,
    language: Language,
    by,
    visibility: str = SOP.Visibility.NETWORK,
    topics=(),
    countries=(),
    partner_agencies=(),
    change_summary: str = "",
    change_kind: str = ChangeKind.MAJOR,
    effective_date: datetime.date | None = None,
    review_due: datetime.date | None = None,
    adapted_from: SOPVersion | None = None,
) -> SOPVersion:
    """Create a procedure and its first draft."""
    probe = SOP(agency=agency)
    _require_editor(by, probe)
    reference, title = reference.strip(), title.strip()
    if not reference or not title:
        raise ActionRefused(_("A procedure needs a reference code and a title."))
    refuse_bad_version_text(reference=reference, title=title, body=body)
    if SOP.objects.filter(agency=agency, reference__iexact=reference).exists():
        raise Conflict(
            _("%(agency)s already has a procedure %(reference)s.")
            % {"agency": agency, "reference": reference}
        )
    _check_dates(effective_date, review_due)
    sop = SOP.objects.create(
        agency=agency,
        reference=reference,
        title=title,
        language=language,
        visibility=visibility,
        adapted_from=adapted_from,
        created_by=by,
    )
    sop.topics.set(topics)
    sop.countries.set(countries or [agency.country])
    sop.partner_agencies.set(partner_agencies)
    return SOPVersion.objects.create(
        sop=sop,
        title=title,
        body=body,
        change_summary=change_summary,
        change_kind=change_kind,
        effective_date=effective_date,
        review_due=review_due,
        author=by,
    )


@transaction.atomic
def sop_update(
    *,
    sop: SOP,
    by,
    visibility: str | None = None,
    language: Language | None = None,
    topics=None,
    countries=None,
    partner_agencies=None,
) -> SOP:
    """Change who may see a procedure and how it is filed. The text changes only by versions."""
    _require_publisher(by, sop)
    if visibility is not None:
        if visibility not in SOP.Visibility.values:
            raise ActionRefused(_("Unknown visibility %(v)s.") % {"v": visibility})
        sop.visibility = visibility
    if language is not None:
        sop.language = language
    sop.save()
    if topics is not None:
        sop.topics.set(topics)
    if countries is not None:
        sop.countries.set(countries)
    if partner_agencies is not None:
        sop.partner_agencies.set(partner_agencies)
    event_emit(
        kind="sop.changed",
        actor=by,
        target=f"sop:{sop.pk}",
        payload={"sop_id": sop.pk, "agency_id": sop.agency_id},
    )
    return sop


@transaction.atomic
def version_update(
    *, version: SOPVersion, by, expected_edit_count: int | None, **fields
) -> SOPVersion:
    """Save a draft. ``expected_edit_count`` is the value the editor's form was built from:
    if someone saved in between, the save is refused with ``Conflict`` and nothing changes,
    so the caller can give the editor their text back."""
    unknown = set(fields) - DRAFT_FIELDS
    if unknown:
        raise ActionRefused(_("These fields cannot be edited: %s") % ", ".join(sorted(unknown)))
    refuse_bad_version_text(**fields)
    version = _locked(version)
    _require_editor(by, version.sop)
    _require_status(version, Status.DRAFT, action=_("edit"))
    if expected_edit_count is not None and expected_edit_count != version.edit_count:
        raise StaleEdit(
            _(
                "Someone else saved this draft while you were editing it. Your text is kept below: "
                "compare it with the current draft, then save again."
            )
        )
    if "title" in fields and not (fields["title"] or "").strip():
        raise ActionRefused(_("A procedure needs a title."))
    if "change_kind" in fields and fields["change_kind"] not in ChangeKind.values:
        raise ActionRefused(_("Unknown change kind."))
    for name, value in fields.items():
        setattr(version, name, value)
    _check_dates(version.effective_date, version.review_due)
    version.edit_count = F("edit_count") + 1
    version.save()
    version.refresh_from_db()
    return version


@transaction.atomic
def version_submit(*, version: SOPVersion, by) -> SOPVersion:
    version = _locked(version)
    _require_editor(by, version.sop)
    _require_status(version, Status.DRAFT, action=_("submit"))
    if not version.body.strip():
        raise Conflict(_("Write the procedure before submitting it for review."))
    version.status = Status.IN_REVIEW
    version.submitted = timezone.now()
    version.returned_reason = ""
    version.save()
    return version


@transaction.atomic
def version_return(*, version: SOPVersion, by, reason: str) -> SOPVersion:
    """Send a version in review back to its editors, saying why."""
    reason = required_text(reason, _("Say why the draft goes back: the editors will see it."))
    version = _locked(version)
    _require_publisher(by, version.sop)
    _require_status(version, Status.IN_REVIEW, action=_("return"))
    version.status = Status.DRAFT
    version.returned_reason = reason
    version.save()
    return version


def _next_number(sop: SOP, kind: str) -> tuple[int, int]:
    latest = (
        SOPVersion.objects.filter(sop=sop, major__isnull=False).order_by("-major", "-minor").first()
    )
    if latest is None:
        return 1, 0
    if kind == ChangeKind.MAJOR:
        return latest.major + 1, 0
    return latest.major, latest.minor + 1


@transaction.atomic
def version_publish(*, version: SOPVersion, by, change_summary: str | None = None) -> SOPVersion:
    """Approve and publish: the previous published version becomes superseded."""
    version = _locked(version)
    sop = SOP.objects.select_for_update().get(pk=version.sop_id)
    _require_publisher(by, sop)
    _require_status(version, Status.IN_REVIEW, Status.DRAFT, action=_("publish"))
    if change_summary is not None:
        version.change_summary = change_summary.strip()
    previous = sop.current_version
    if previous is not None and not version.change_summary:
        raise ActionRefused(_("Say what changed: a revision needs a change summary."))
    version.major, version.minor = _next_number(sop, version.change_kind)
    if previous is not None:
        SOPVersion.objects.filter(pk=previous.pk).update(status=Status.SUPERSEDED)
    now = timezone.now()
    version.status = Status.PUBLISHED
    version.published = now
    version.approver = by
    version.effective_date = version.effective_date or now.date()
    version.rendered = rendered_for_storage(version.body)  # rendered once: it never changes
    version.save()
    sop.current_version = version
    sop.title = version.title
    sop.save(update_fields=["current_version", "title"])
    version.sop = sop
    event_emit(
        kind="sop.published",
        actor=by,
        target=f"sop:{sop.pk}",
        payload={
            "sop_id": sop.pk,
            "version_id": version.pk,
            "agency_id": sop.agency_id,
            "number": version.number,
            "change_kind": version.change_kind,
            "previous_version_id": previous.pk if previous else None,
        },
    )
    audit_record(
        actor=by,
        action="sop.published",
        agency=sop.agency_id,
        target=f"sop:{sop.pk}",
        details={"version_id": version.pk, "number": version.number, "reference": sop.reference},
    )
    return version


@transaction.atomic
def version_withdraw(*, version: SOPVersion, by, reason: str) -> SOPVersion:
    """Withdraw the published version: the procedure no longer applies."""
    reason = required_text(
        reason, _("Say why the procedure is withdrawn: its readers will see it.")
    )
    version = _locked(version)
    sop = SOP.objects.select_for_update().get(pk=version.sop_id)
    _require_publisher(by, sop)
    _require_status(version, Status.PUBLISHED, action=_("withdraw"))
    version.status = Status.WITHDRAWN
    version.withdrawn = timezone.now()
    version.withdrawn_reason = reason
    version.save()
    sop.current_version = None
    sop.save(update_fields=["current_version"])
    version.sop = sop
    event_emit(
        kind="sop.withdrawn",
        actor=by,
        target=f"sop:{sop.pk}",
        payload={
            "sop_id": sop.pk,
            "version_id": version.pk,
            "agency_id": sop.agency_id,
            "reason": reason,
        },
    )
    audit_record(
        actor=by,
        action="sop.withdrawn",
        agency=sop.agency_id,
        target=f"sop:{sop.pk}",
        details={"version_id": version.pk, "number": version.number, "reason": reason},
    )
    return version


@transaction.atomic
def version_start_revision(*, sop: SOP, by, change_kind: str = ChangeKind.MINOR) -> SOPVersion:
    """Open a new draft from the latest published (or withdrawn) text. One open draft at a time."""
    sop = SOP.objects.select_for_update().get(pk=sop.pk)
    _require_editor(by, sop)
    open_draft = sop.versions.filter(status__in=[Status.DRAFT, Status.IN_REVIEW]).first()
    if open_draft is not None:
        raise Conflict(
            _("Version in progress already exists (%(status)s): continue that one.")
            % {"status": open_draft.get_status_display().lower()}
        )
    base = sop.current_version or sop.versions.filter(major__isnull=False).first()
    if base is None:
        raise Conflict(_("There is no published text to revise yet."))
    if change_kind not in ChangeKind.values:
        raise ActionRefused(_("Unknown change kind."))
    return SOPVersion.objects.create(
        sop=sop,
        title=base.title,
        body=base.body,
        change_kind=change_kind,
        review_due=None,
        based_on=base,
        author=by,
    )


@transaction.atomic
def sop_adapt(
    *, source: SOPVersion, agency: Agency, reference: str, by, title: str | None = None
) -> SOPVersion:
    """Start an agency's own procedure from another agency's published version."""
    if source.status not in {Status.PUBLISHED, Status.SUPERSEDED}:
        raise Conflict(_("Only a published procedure can be adapted."))
    if not can_view_sop(by, source.sop):
        raise NotAllowed(_("You cannot see that procedure."))
    if source.sop.agency_id == agency.pk:
        raise ActionRefused(_("Start a revision to change your own agency's procedure."))
    draft = sop_create(
        agency=agency,
        reference=reference,
        title=title or source.title,
        body=source.body,
        language=source.sop.language,
        by=by,
        visibility=SOP.Visibility.NETWORK
        if source.sop.visibility != SOP.Visibility.AGENCY
        else SOP.Visibility.AGENCY,
        topics=source.sop.topics.all(),
        countries=[agency.country],
        change_summary=_("Adapted from %(ref)s %(number)s of %(agency)s.")
        % {"ref": source.sop.reference, "number": source.number, "agency": source.sop.agency},
        adapted_from=source,
    )
    event_emit(
        kind="sop.adapted",
        actor=by,
        target=f"sop:{draft.sop_id}",
        payload={
            "sop_id": draft.sop_id,
            "source_sop_id": source.sop_id,
            "source_version_id": source.pk,
            "agency_id": agency.pk,
        },
    )
    return draft


@transaction.atomic
def version_acknowledge(*, version: SOPVersion, by) -> Acknowledgement:
    """Record that ``by`` read and understood this version (once; a second time is a no-op)."""
    if not by.is_authenticated:
        raise NotAllowed(_("Sign in to acknowledge a procedure."))
    if version.status != Status.PUBLISHED:
        raise Conflict(_("Only the version in force can be acknowledged."))
    if not can_view_sop(by, version.sop):
        raise NotAllowed(_("You cannot see this procedure."))
    try:
        with transaction.atomic():
            ack, _created = Acknowledgement.objects.get_or_create(version=version, user=by)
    except IntegrityError:
        ack = Acknowledgement.objects.get(version=version, user=by)
    return ack


@transaction.atomic
def attachment_add(*, version: SOPVersion, by, uploaded) -> Attachment:
    """Attach a file to a draft after checking what it really is and how big it is."""
    version = _locked(version)
    _require_editor(by, version.sop)
    _require_status(version, Status.DRAFT, action=_("attach files to"))
    limit = getattr(settings, "FRONTLINE_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD)
    if uploaded.size > limit:
        raise ActionRefused(
            _("The file is %(size)d MB; the limit is %(limit)d MB.")
            % {"size": uploaded.size // (1024 * 1024) or 1, "limit": limit // (1024 * 1024)}
        )
    content_type = sniff_content_type(uploaded)
    if content_type is None:
        raise ActionRefused(
            _(
                "Only PDF, DOCX, XLSX, PNG and JPEG files can be attached; this file is none of them."
            )
        )
    attachment = Attachment(
        version=version,
        name=download_name(uploaded.name, content_type),
        content_type=content_type,
        size=uploaded.size,
        sha256=sha256_of(uploaded),
        uploaded_by=by,
    )
    attachment.file.save(attachment.name, File(uploaded), save=False)
    attachment.save()
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, by) -> None:
    version = _locked(attachment.version)
    _require_editor(by, version.sop)
    _require_status(version, Status.DRAFT, action=_("remove files from"))
    attachment.file.delete(save=False)
    attachment.delete()


def review_reminders_emit(*, today: datetime.date | None = None) -> int:
    """Emit ``sop.review_due`` once for each published version past its review date."""
    today = today or timezone.localdate()
    count = 0
    due = SOPVersion.objects.filter(
        status=Status.PUBLISHED, review_due__lte=today, review_reminded__isnull=True
    ).select_related("sop")
    for version in due:
        with transaction.atomic():
            claimed = SOPVersion.objects.filter(pk=version.pk, review_reminded__isnull=True).update(
                review_reminded=timezone.now()
            )
            if not claimed:
                continue
            event_emit(
                kind="sop.review_due",
                actor=None,
                target=f"sop:{version.sop_id}",
                payload={
                    "sop_id": version.sop_id,
                    "version_id": version.pk,
                    "agency_id": version.sop.agency_id,
                    "review_due": version.review_due.isoformat(),
                },
            )
            count += 1
    return count
