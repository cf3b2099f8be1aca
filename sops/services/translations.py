"""Linking a procedure as the translation of another, and telling translations they lag.

A translation is another SOP of the same agency in another language, with its own
versions and approval. Linking and unlinking are for the agency's publishers (and
admins); each writes its event and audit entry. Which source version a translation's
version renders is recorded when that version is approved (``workflow.version_publish``
calls ``translated_from_choose``); when the source takes a major or minor version into
force, ``translations_behind_emit`` tells each translation that now lags (the rule is in
``sops.translations``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from frontline.errors import ActionRefused, Conflict
from sops.models import SOP, SOPVersion
from sops.selectors import READABLE_STATUSES
from sops.services.common import ChangeKind, locked_sop, record, require_publisher
from sops.translations import behind_since_map, language_label


def _source_version(source: SOP, version: SOPVersion | None) -> SOPVersion:
    """``version`` if it is a readable numbered version of ``source``; else the one in force."""
    if version is None:
        if source.current_version_id is None:
            raise ActionRefused(
                _("The source procedure has no version in force: say which version you translated.")
            )
        return SOPVersion.objects.get(pk=source.current_version_id)
    if (
        version.sop_id != source.pk
        or version.major is None
        or version.status not in READABLE_STATUSES
    ):
        raise ActionRefused(
            _("Choose a published version of %(reference)s as the one translated.")
            % {"reference": source.reference}
        )
    return version


@transaction.atomic
def sop_translation_link(
    *, translation: SOP, source: SOP, by, source_version: SOPVersion | None = None
) -> SOP:
    """Link ``translation`` as the translation of ``source``.

    If the translation already has a version in force, ``source_version`` says which
    source version its text renders (default: the source's version in force).
    """
    first, second = sorted([translation.pk, source.pk])
    locked = {pk: locked_sop(pk) for pk in (first, second)}  # in id order: no deadlock
    translation, source = locked[translation.pk], locked[source.pk]
    require_publisher(by, translation)
    if translation.pk == source.pk:
        raise ActionRefused(_("A procedure cannot be a translation of itself."))
    if translation.agency_id != source.agency_id:
        raise ActionRefused(
            _("A translation belongs to the same agency as its source (%(agency)s).")
            % {"agency": source.agency}
        )
    if translation.language_id == source.language_id:
        raise ActionRefused(
            _("A translation is in another language than its source (%(language)s).")
            % {"language": language_label(source.language_id, source.language.name)}
        )
    if translation.translation_of_id is not None:
        raise Conflict(
            _("This procedure is already a translation: unlink it first.")
            if translation.translation_of_id != source.pk
            else _("This procedure is already linked as a translation of that one.")
        )
    if source.translation_of_id is not None:
        raise ActionRefused(
            _("%(reference)s is itself a translation: link to its source instead.")
            % {"reference": source.reference}
        )
    if translation.translations.exists():
        raise ActionRefused(_("This procedure has translations of its own, so it is a source."))
    if source.current_version_id is None:
        raise ActionRefused(_("Only a published procedure can have translations."))
    taken = source.translations.filter(language_id=translation.language_id).first()
    if taken is not None:
        raise Conflict(
            _("%(reference)s already has a translation in this language (%(language)s): %(other)s.")
            % {
                "reference": source.reference,
                "language": language_label(translation.language_id, translation.language.name),
                "other": taken.reference,
            }
        )
    rendered = None
    if translation.current_version_id is not None:
        rendered = _source_version(source, source_version)
        # Link metadata, not text: the version's wording stays as approved.
        SOPVersion.objects.filter(pk=translation.current_version_id).update(
            translated_from=rendered
        )
    elif source_version is not None:
        raise ActionRefused(
            _(
                "This procedure has no version in force yet: the source version is chosen when it is published."
            )
        )
    translation.translation_of = source
    translation.save(update_fields=["translation_of"])
    record(
        kind="sop.translation_linked",
        by=by,
        sop=translation,
        payload={
            "source_sop_id": source.pk,
            "language": translation.language_id,
            "source_version_id": rendered.pk if rendered else None,
        },
        details={
            "source_sop_id": source.pk,
            "source_reference": source.reference,
            "language": translation.language_id,
            **({"source_version": rendered.number} if rendered else {}),
        },
    )
    return translation


@transaction.atomic
def sop_translation_unlink(*, translation: SOP, by) -> SOP:
    """Unlink a translation from its source (both procedures stay as they are)."""
    translation = locked_sop(translation.pk)
    require_publisher(by, translation)
    if translation.translation_of_id is None:
        raise Conflict(_("This procedure is not linked as a translation."))
    source = translation.translation_of
    translation.translation_of = None
    translation.save(update_fields=["translation_of"])
    record(
        kind="sop.translation_unlinked",
        by=by,
        sop=translation,
        payload={"source_sop_id": source.pk, "language": translation.language_id},
        details={"source_sop_id": source.pk, "source_reference": source.reference},
    )
    return translation


def language_change_check(sop: SOP, language_id: str) -> None:
    """Refuse a new language that would break a translation link (same as its source, its
    translation's, or a sibling translation's)."""
    if language_id == sop.language_id:
        return
    clash = None
    if sop.translation_of_id is not None:
        family = SOP.objects.filter(translation_of_id=sop.translation_of_id).exclude(pk=sop.pk)
        clash = (
            SOP.objects.filter(pk=sop.translation_of_id, language_id=language_id).first()
            or family.filter(language_id=language_id).first()
        )
    else:
        clash = sop.translations.filter(language_id=language_id).first()
    if clash is not None:
        raise ActionRefused(
            _("%(reference)s of the same translation family is already in that language.")
            % {"reference": clash.reference}
        )


def translated_from_choose(sop: SOP, version: SOPVersion, chosen: SOPVersion | None) -> None:
    """On approving ``version`` of ``sop``: record the source version it renders (in the
    caller's transaction; the caller saves). Refuses a choice for a procedure that is
    no translation, and a version that is no published one of the source."""
    if sop.translation_of_id is None:
        if chosen is not None:
            raise ActionRefused(
                _("This procedure is not a translation: there is no source version to choose.")
            )
        version.translated_from = None
        return
    source = SOP.objects.get(pk=sop.translation_of_id)
    version.translated_from = _source_version(source, chosen)


def translations_behind_emit(*, source: SOP, version: SOPVersion, by) -> int:
    """``version`` of ``source`` just took effect: tell each translation it leaves behind.

    Emits ``sop.translation_behind`` per translation that lags after this version (an
    editorial version leaves none behind). In the caller's transaction. Returns the count.
    """
    if version.change_kind not in (ChangeKind.MAJOR, ChangeKind.MINOR):
        return 0
    translations = list(source.translations.select_related("current_version", "agency"))
    behind = behind_since_map(translations)
    for translation in translations:
        since = behind.get(translation.pk)
        if since is None:
            continue
        record(
            kind="sop.translation_behind",
            by=by,
            sop=translation,
            payload={
                "source_sop_id": source.pk,
                "source_version_id": version.pk,
                "number": version.number,
                "behind_since": since.number,
                "translated_from_id": translation.current_version.translated_from_id,
            },
            audit=False,
        )
    return sum(1 for t in translations if t.pk in behind)
