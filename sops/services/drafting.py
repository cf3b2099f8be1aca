"""Writing procedures: create, file, edit and submit drafts, revise, adapt, attach files.

Each function takes the acting user (``by``), checks their role in the owning agency,
refuses with a message written for them and writes in one transaction.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from events.services import event_emit
from frontline.errors import ActionRefused, Conflict, NotAllowed, StaleEdit
from network.models import Agency, Language
from sops.files import download_name, sha256_of, sniff_content_type
from sops.limits import refuse_bad_version_text
from sops.models import SOP, Attachment, SOPVersion
from sops.permissions import can_view_sop
from sops.services.common import (
    ChangeKind,
    Status,
    check_dates,
    locked,
    require_editor,
    require_publisher,
    require_status,
)

DRAFT_FIELDS = {"title", "body", "change_summary", "change_kind", "effective_date", "review_due"}
DEFAULT_MAX_UPLOAD = 10 * 1024 * 1024


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
    require_editor(by, probe)
    reference, title = reference.strip(), title.strip()
    if not reference or not title:
        raise ActionRefused(_("A procedure needs a reference code and a title."))
    refuse_bad_version_text(reference=reference, title=title, body=body)
    if SOP.objects.filter(agency=agency, reference__iexact=reference).exists():
        raise Conflict(
            _("%(agency)s already has a procedure %(reference)s.")
            % {"agency": agency, "reference": reference}
        )
    check_dates(effective_date, review_due)
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
        last_edited_by=by,
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
    require_publisher(by, sop)
    if visibility is not None:
        if visibility not in SOP.Visibility.values:
            raise ActionRefused(_("Unknown visibility %(v)s.") % {"v": visibility})
        sop.visibility = visibility
    if language is not None:
        from sops.services.translations import language_change_check

        language_change_check(sop, language.pk)
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
    if someone saved in between, the save is refused with ``StaleEdit`` and nothing changes,
    so the caller can give the editor their text back."""
    unknown = set(fields) - DRAFT_FIELDS
    if unknown:
        raise ActionRefused(_("These fields cannot be edited: %s") % ", ".join(sorted(unknown)))
    refuse_bad_version_text(**fields)
    version = locked(version)
    require_editor(by, version.sop)
    require_status(version, Status.DRAFT, action=_("edit"))
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
    check_dates(version.effective_date, version.review_due)
    version.edit_count = F("edit_count") + 1
    version.last_edited_by = by
    version.save()
    version.refresh_from_db()
    return version


@transaction.atomic
def version_save_and_submit(
    *, version: SOPVersion, by, expected_edit_count: int | None, **fields
) -> SOPVersion:
    """Save a draft and submit it for review, both or neither."""
    from sops.services.workflow import version_submit

    version = version_update(
        version=version, by=by, expected_edit_count=expected_edit_count, **fields
    )
    return version_submit(version=version, by=by)


@transaction.atomic
def version_start_revision(*, sop: SOP, by, change_kind: str = ChangeKind.MINOR) -> SOPVersion:
    """Open a new draft from the latest published (or withdrawn) text. One open draft at a time."""
    sop = SOP.objects.select_for_update().get(pk=sop.pk)
    require_editor(by, sop)
    open_draft = sop.versions.filter(status__in=[Status.DRAFT, Status.IN_REVIEW]).first()
    if open_draft is not None:
        raise Conflict(
            _("Version in progress already exists (%(status)s): continue that one.")
            % {"status": open_draft.get_status_display().lower()}
        )
    # The newest approved text: a version scheduled to take effect is the one to build on.
    base = sop.versions.filter(status=Status.SCHEDULED).first() or (
        sop.current_version or sop.versions.filter(major__isnull=False).first()
    )
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
        last_edited_by=by,
    )


@transaction.atomic
def sop_adapt(
    *, source: SOPVersion, agency: Agency, reference: str, by, title: str | None = None
) -> SOPVersion:
    """Start an agency's own procedure from another agency's published version."""
    if source.status not in {Status.PUBLISHED, Status.SCHEDULED, Status.SUPERSEDED}:
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
def attachment_add(*, version: SOPVersion, by, uploaded) -> Attachment:
    """Attach a file to a draft after checking what it really is and how big it is."""
    version = locked(version)
    require_editor(by, version.sop)
    require_status(version, Status.DRAFT, action=_("attach files to"))
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
    # Attaching is editing: four eyes counts the person who did it.
    SOPVersion.objects.filter(pk=version.pk).update(last_edited_by=by)
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, by) -> None:
    version = locked(attachment.version)
    require_editor(by, version.sop)
    require_status(version, Status.DRAFT, action=_("remove files from"))
    attachment.file.delete(save=False)
    attachment.delete()
