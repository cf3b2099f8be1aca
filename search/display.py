"""Hits and facet values as pages show them: links, labels, highlighted snippets.

Texts for snippets come from the database for the shown hits only, in one query per
document type, and SOP hits are checked against ``visible_sops_q`` there as well.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from network.models import Agency, Country, Expert, Language, Topic
from network.permissions import is_vetted
from search import highlight
from sops.models import SOP
from sops.permissions import visible_sops_q
from sops.rendering import plain_text

TYPE_LABELS = {
    "sop": _("Procedures"),
    "expert": _("Experts"),
    "agency": _("Agencies"),
    "activity": _("Trainings and exercises"),
}
# Document types other apps add (``capacity``, ``training``): doctype -> function(pks, user)
# returning the pks the database now hides. Their documents store their own "url".
EXTRA_TYPES: dict = {}
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
        return str(TYPE_LABELS.get(self.doctype, self.doctype))


def _url(doctype: str, stored: dict) -> str:
    if doctype in EXTRA_TYPES:
        return stored.get("url", "")
    try:
        if doctype == "sop":
            return reverse("sops:detail", args=[stored["pk"]])
        if doctype == "expert":
            return reverse("network:expert", args=[stored["pk"]])
        if doctype == "activity":
            return reverse("training:activity", args=[stored["pk"]])
        return reverse("network:agency", args=[stored["agency"]])
    except NoReverseMatch:
        return ""


def _texts(stored: list[dict], user, terms: frozenset | None) -> tuple[dict[str, str], set[str]]:
    """Text to cut snippets from, by key (none when ``terms`` is None: no snippets);
    and the keys the database says to drop."""
    by_type: dict[str, list[int]] = {}
    for s in stored:
        by_type.setdefault(s["doctype"], []).append(s["pk"])
    texts, hidden = {}, set()
    if by_type.get("sop"):
        pks = by_type["sop"]
        rows = (
            SOP.objects.filter(pk__in=pks, current_version__isnull=False)
            .filter(visible_sops_q(user))
            .values_list("pk", *(["current_version__body"] if terms is not None else []))
            .distinct()
        )
        shown = set()
        for pk, *body in rows:
            shown.add(pk)
            if body:
                texts[f"sop:{pk}"] = plain_text(highlight.passage(body[0], terms))
        hidden = {f"sop:{pk}" for pk in set(pks) - shown}
    if by_type.get("expert"):
        if not is_vetted(user):
            hidden |= {f"expert:{pk}" for pk in by_type["expert"]}
        if terms is not None:
            for pk, position, bio in Expert.objects.filter(pk__in=by_type["expert"]).values_list(
                "pk", "position", "bio"
            ):
                texts[f"expert:{pk}"] = f"{position}. {bio}" if position else bio
    for doctype, hide in EXTRA_TYPES.items():
        if by_type.get(doctype):
            hidden |= {f"{doctype}:{pk}" for pk in hide(by_type[doctype], user)}
    if by_type.get("activity"):
        from training.search_documents import activities_hidden

        hidden |= activities_hidden(by_type["activity"], user)
    if by_type.get("agency") and terms is not None:
        for pk, description in Agency.objects.filter(pk__in=by_type["agency"]).values_list(
            "pk", "description"
        ):
            texts[f"agency:{pk}"] = description
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
                v.label = str(TYPE_LABELS.get(v.value, v.value))
            continue
        names = _all_labels(name)
        if any(v.value not in names for v in values):  # added since: read again
            _labels.pop(name, None)
            names = _all_labels(name)
        for v in values:
            v.label = names.get(v.value, v.value)
