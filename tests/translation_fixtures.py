"""A procedure and its Russian translation, made through the services, for the tests of
translations (sops, notifications, search, API, security)."""

from __future__ import annotations

from sops import services
from sops.models import SOP, SOPVersion
from tests import factories

RUSSIAN_BODY = (
    "## Область применения\n\nИзолируйте посылку. Вызовите дежурного офицера. "
    "Подозрительное биологическое вещество не вскрывают.\n"
)


def russian():
    return factories.language("ru", "Russian")


def translation_create(
    *,
    source: SOP,
    editor,
    publisher,
    reference: str = "BIO-001-RU",
    visibility: str | None = None,
    publish: bool = True,
    link: bool = True,
    title: str = "Обращение с подозрительным биологическим веществом",
    body: str = RUSSIAN_BODY,
) -> SOP:
    """A Russian SOP of ``source``'s agency, linked to it, its 1.0 published (rendering the
    source's version in force)."""
    draft = services.sop_create(
        agency=source.agency,
        reference=reference,
        title=title,
        body=body,
        language=russian(),
        by=editor,
        visibility=visibility or source.visibility,
    )
    sop = draft.sop
    if link:
        services.sop_translation_link(translation=sop, source=source, by=publisher)
    if publish:
        services.version_publish(version=draft, by=publisher)
    return SOP.objects.get(pk=sop.pk)


def revise(sop: SOP, *, editor, publisher, kind: str, summary: str = "Changed.", **publish):
    """Publish a new version of ``sop`` of change kind ``kind``; returns it."""
    draft = services.version_start_revision(sop=sop, by=editor, change_kind=kind)
    draft = services.version_update(
        version=draft,
        by=editor,
        expected_edit_count=None,
        body=draft.body + f"\n{summary}\n",
        change_summary=summary,
    )
    return services.version_publish(version=draft, by=publisher, **publish)


def fresh(sop: SOP) -> SOP:
    return SOP.objects.select_related("current_version", "language").get(pk=sop.pk)


__all__ = ["SOPVersion", "fresh", "revise", "russian", "translation_create"]
