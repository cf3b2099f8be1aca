"""Reads about translations of a procedure: which the viewer may see, and "behind the source".

The one home of the rule "a translation is behind its source since version N": N is the
first major or minor version of the source, taken into force after the source version
the translation's version in force renders (``SOPVersion.translated_from``). Editorial
versions do not make a translation behind; versions approved for a later date count
once they take effect. Pages, the API, search and the notification all read it here.

Visibility is ``sops.selectors.findable_sops``: a translation (or a source) the viewer
may not find is never listed, counted or described, and neither is its lag.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils.translation import get_language_info

from sops.models import SOP, SOPVersion
from sops.selectors import READABLE_STATUSES, findable_sops

Status = SOPVersion.Status
ChangeKind = SOPVersion.ChangeKind
# Versions that were in force at some time (a scheduled one not yet).
WAS_IN_FORCE = (Status.PUBLISHED, Status.SUPERSEDED, Status.WITHDRAWN)
BEHIND_KINDS = (ChangeKind.MAJOR, ChangeKind.MINOR)


def language_label(code: str, fallback: str = "") -> str:
    """A language by its own name ("Русский", "English"), as a reader looks for it."""
    try:
        name = get_language_info(code)["name_local"]
    except KeyError:
        return fallback or code
    return name[:1].upper() + name[1:]


def _number(version: SOPVersion | None) -> tuple[int, int] | None:
    if version is None or version.major is None:
        return None
    return (version.major, version.minor)


def behind_since_map(translations: Iterable[SOP]) -> dict[int, SOPVersion]:
    """Translation id -> the source version it is behind since, for those behind.

    Each translation needs ``translation_of_id`` and ``current_version`` loaded. Two
    queries whatever the number of translations.
    """
    wanted = {
        t.pk: t.current_version.translated_from_id
        for t in translations
        if t.translation_of_id and t.current_version and t.current_version.translated_from_id
    }
    if not wanted:
        return {}
    sources = {t.pk: t.translation_of_id for t in translations if t.pk in wanted}
    rendered = {
        v.pk: v
        for v in SOPVersion.objects.filter(pk__in=set(wanted.values())).only(
            "pk", "sop_id", "major", "minor"
        )
    }
    later: dict[int, list[SOPVersion]] = {}
    for v in (
        SOPVersion.objects.filter(
            sop_id__in=set(sources.values()),
            status__in=WAS_IN_FORCE,
            change_kind__in=BEHIND_KINDS,
            major__isnull=False,
        )
        .only("pk", "sop_id", "major", "minor", "change_kind", "status")
        .order_by("major", "minor")
    ):
        later.setdefault(v.sop_id, []).append(v)
    behind = {}
    for translation_id, version_id in wanted.items():
        source_id = sources[translation_id]
        base = rendered.get(version_id)
        if base is None or base.sop_id != source_id:
            continue  # renders a version of another procedure (linked elsewhere before)
        first = next((v for v in later.get(source_id, []) if _number(v) > _number(base)), None)
        if first is not None:
            behind[translation_id] = first
    return behind


def behind_since(translation: SOP) -> SOPVersion | None:
    """The source version ``translation`` is behind since, or None (up to date, or no link)."""
    return behind_since_map([translation]).get(translation.pk)


@dataclass
class Linked:
    """Another procedure of the family as the viewer may see it."""

    sop: SOP
    behind_since: SOPVersion | None = None

    @property
    def language_label(self) -> str:
        return language_label(self.sop.language_id, self.sop.language.name)

    @property
    def number(self) -> str:
        return self.sop.current_version.number if self.sop.current_version else ""


@dataclass
class TranslationLinks:
    """For one procedure: its visible source (if a translation), its own lag behind that
    source, and its visible translations (if a source)."""

    source: Linked | None = None
    behind_since: SOPVersion | None = None
    translations: list[Linked] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.source is not None or bool(self.translations)


def translation_links(*, user, sops: Iterable[SOP]) -> dict[int, TranslationLinks]:
    """SOP id -> its ``TranslationLinks`` as ``user`` may see them (three queries for a list)."""
    sops = list(sops)
    ids = [s.pk for s in sops]
    source_ids = {s.translation_of_id for s in sops if s.translation_of_id}
    links = {pk: TranslationLinks() for pk in ids}
    if not ids:
        return links
    found = findable_sops(user).filter(Q(pk__in=source_ids) | Q(translation_of__in=ids))
    related = list(
        SOP.objects.filter(pk__in=found.values("pk"))
        .select_related("language", "current_version", "agency")
        .order_by("language__name", "pk")
    )
    visible_sources = {s.pk: s for s in related if s.pk in source_ids}
    translations = [s for s in related if s.translation_of_id in links]
    # Lags: of the visible translations listed, and of the viewed ones whose source shows.
    own = [s for s in sops if s.translation_of_id in visible_sources]
    behind = behind_since_map([*translations, *own])
    for sop in sops:
        source = visible_sources.get(sop.translation_of_id)
        if source is not None:
            links[sop.pk].source = Linked(source)
            links[sop.pk].behind_since = behind.get(sop.pk)
    for t in translations:
        links[t.translation_of_id].translations.append(Linked(t, behind.get(t.pk)))
    return links


def links_for(*, user, sop: SOP) -> TranslationLinks:
    return translation_links(user=user, sops=[sop])[sop.pk]


def source_versions_for_choice(sop: SOP) -> list[SOPVersion]:
    """The source versions a new version of translation ``sop`` may say it renders."""
    if not sop.translation_of_id:
        return []
    return list(
        SOPVersion.objects.filter(sop_id=sop.translation_of_id, status__in=READABLE_STATUSES)
        .exclude(major__isnull=True)
        .order_by("-major", "-minor")
    )


def link_candidates(sop: SOP):
    """Procedures ``sop`` may be linked to as their translation: the agency's published
    sources in other languages with no translation in ``sop``'s language yet. Empty when
    ``sop`` is already a translation or is itself a source."""
    if sop.translation_of_id or sop.translations.exists():
        return SOP.objects.none()
    taken = SOP.objects.filter(language_id=sop.language_id, translation_of__isnull=False)
    return (
        SOP.objects.filter(
            agency_id=sop.agency_id, translation_of__isnull=True, current_version__isnull=False
        )
        .exclude(pk=sop.pk)
        .exclude(language_id=sop.language_id)
        .exclude(pk__in=taken.values("translation_of_id"))
        .select_related("language")
        .order_by("reference")
    )


def active_language_matches(code: str, active: str | None) -> bool:
    """True when language ``code`` is the reader's active one (``ru`` matches ``ru-ru``)."""
    active = (active or settings.LANGUAGE_CODE).lower()
    return code.lower() == active or active.split("-")[0] == code.lower().split("-")[0]
