"""A procedure and its translations as one search result.

A post-processing step on one page of hits (``search.views.search_page`` calls it, and
nothing else): when the page holds a source and its translations, only one entry stays,
at the place of the family's best-ranked hit: the one in the reader's active language if
the page has it, else the best-ranked. The others (and the family's other visible members
that the query did not match) become "also in" links on it. Nothing is counted here, and
only procedures the reader may see are named (``sops.translations`` applies
``sops.selectors.findable_sops``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language

from sops.models import SOP
from sops.selectors import findable_sops
from sops.translations import active_language_matches, language_label, translation_links


@dataclass(frozen=True)
class AlsoIn:
    """A link from a result to the same procedure in another language."""

    pk: int
    language: str
    label: str
    url: str
    number: str
    behind_since: str


def group_translations(hits: list, *, user, language: str | None = None) -> list:
    """The hits with each translation family folded into one entry carrying ``also_in``."""
    sop_hits = [h for h in hits if h.doctype == "sop"]
    if not sop_hits:
        return hits
    source_of = dict(
        SOP.objects.filter(pk__in=[h.pk for h in sop_hits]).values_list("pk", "translation_of_id")
    )
    root = {h.pk: source_of.get(h.pk) or h.pk for h in sop_hits}
    roots = list(
        SOP.objects.filter(pk__in=set(root.values())).select_related("language", "current_version")
    )
    links = translation_links(user=user, sops=roots)
    visible_roots = set(
        findable_sops(user).filter(pk__in=[r.pk for r in roots]).values_list("pk", flat=True)
    )
    members: dict[int, list[AlsoIn]] = {}
    for r in roots:
        family = [(r, None)] if r.pk in visible_roots else []
        family += [(t.sop, t.behind_since) for t in links[r.pk].translations]
        members[r.pk] = [_also_in(sop, behind) for sop, behind in family]
    active = language or get_language()
    groups: dict[object, list] = {}
    for index, hit in enumerate(hits):
        key = root[hit.pk] if hit.doctype == "sop" else ("hit", index)
        groups.setdefault(key, []).append(hit)
    shown = []
    for key, group in groups.items():
        if not isinstance(key, int):
            shown.extend(group)
            continue
        languages = {m.pk: m.language for m in members[key]}
        lead = next(
            (h for h in group if active_language_matches(languages.get(h.pk, h.language), active)),
            group[0],
        )
        lead.also_in = [m for m in members[key] if m.pk != lead.pk]
        shown.append(lead)
    return shown


def _also_in(sop: SOP, behind) -> AlsoIn:
    return AlsoIn(
        pk=sop.pk,
        language=sop.language_id,
        label=language_label(sop.language_id, sop.language.name),
        url=sop.get_absolute_url(),
        number=sop.current_version.number if sop.current_version else "",
        behind_since=behind.number if behind else "",
    )
