"""Hits and facet values as pages show them: links, labels, highlighted snippets.

Each document type (``search.registry``) checks its shown hits against the database,
and reads the texts for their snippets, in one query per type: a hit whose row the
database now hides from the reader is dropped, and a type no app declares is dropped too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.urls import NoReverseMatch
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from network.models import Agency, Country, Language, Topic
from search import highlight, registry

FACET_LABELS = {
    "type": _("Type"),
    "topic": _("Topic"),
    "category": _("CBRN category"),
    "country": _("Country"),
    "agency": _("Agency"),
    "language": _("Language"),
}


@dataclass
class Hit:
    doctype: str
    pk: int
    title: SafeString
    subtitle: str
    url: str
    reference: str = ""
    snippet: SafeString = mark_safe("")
    date: object = None
    language: str = ""

    @property
    def type_label(self) -> str:
        return registry.label(self.doctype)


def _url(doctype: str, stored: dict) -> str:
    try:
        return registry.get(doctype).url(stored)
    except NoReverseMatch:
        return ""


def _texts(stored: list[dict], user, terms: frozenset | None) -> tuple[dict[str, str], set[str]]:
    """Text to cut snippets from, by key (none when ``terms`` is None: no snippets);
    and the keys the database says to drop."""
    by_type: dict[str, list[int]] = {}
    for s in stored:
        by_type.setdefault(s["doctype"], []).append(s["pk"])
    texts, hidden = {}, set()
    for name, pks in by_type.items():
        doctype = registry.get(name)
        shown = doctype.shown(pks, user, terms) if doctype else {}
        hidden |= {f"{name}:{pk}" for pk in set(pks) - shown.keys()}
        texts.update((f"{name}:{pk}", text) for pk, text in shown.items() if text)
    return texts, hidden


def hits_for(stored: list[dict], *, user, terms: frozenset, highlight: bool) -> list[Hit]:
    """Hits for stored index documents, in order, minus any the database now hides."""
    if not stored:
        return []
    texts, hidden = _texts(stored, user, terms if highlight else None)
    hits = []
    for s in stored:
        if s["key"] in hidden:
            continue
        title = s.get("title", "")
        text = texts.get(s["key"], "")
        hits.append(
            Hit(
                doctype=s["doctype"],
                pk=s["pk"],
                title=highlight_mark(title, terms) if highlight else mark_safe_escaped(title),
                subtitle=s.get("subtitle", ""),
                url=_url(s["doctype"], s),
                reference=s.get("reference", ""),
                snippet=highlight_snippet(text, terms) if highlight else mark_safe(""),
                date=s.get("date"),
                language=s.get("language", ""),
            )
        )
    return hits


def highlight_mark(text: str, terms: frozenset) -> SafeString:
    return highlight.mark(text, terms)


def highlight_snippet(text: str, terms: frozenset) -> SafeString:
    return highlight.snippet(text, terms)


def mark_safe_escaped(text: str) -> SafeString:
    from django.utils.html import escape

    return mark_safe(escape(text))


# Facet labels (topic, country, agency and language names) read from the database at
# most once a LABELS_TTL seconds per process: the tables are small and rarely change,
# and reading them for every search cost five queries (about 7 ms).
LABELS_TTL = 60.0
_labels: dict[str, tuple[float, dict[str, str]]] = {}


def _all_labels(name: str) -> dict[str, str]:
    now = time.monotonic()
    found = _labels.get(name)
    if found is not None and now - found[0] < LABELS_TTL:
        return found[1]
    if name in ("topic", "category"):
        names = dict(Topic.objects.values_list("slug", "name"))
    elif name == "country":
        names = dict(Country.objects.values_list("code", "name"))
    elif name == "agency":
        names = {
            code: acronym or full
            for code, acronym, full in Agency.objects.values_list("code", "acronym", "name")
        }
    else:
        names = dict(Language.objects.values_list("code", "name"))
    _labels[name] = (now, names)
    return names


def clear_labels() -> None:
    _labels.clear()


def label_facets(facets: dict) -> None:
    """Replace codes and slugs with names, in place."""
    for name, values in facets.items():
        if not values:
            continue
        if name == "type":
            for v in values:
                v.label = registry.label(v.value)
            continue
        names = _all_labels(name)
        if any(v.value not in names for v in values):  # added since: read again
            _labels.pop(name, None)
            names = _all_labels(name)
        for v in values:
            v.label = names.get(v.value, v.value)
