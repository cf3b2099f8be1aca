"""What goes into the index for each SOP, expert and agency, built from the database.

Plain dicts keyed by schema field; no Whoosh here. The database is the only source of
truth: any document can be rebuilt from it at any time, and ``fingerprint`` lets
``search_check`` tell a stale document from a fresh one.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator

from django.db.models import Prefetch, QuerySet

from network.models import Agency, Expert, Membership, Topic
from search.analysis import distinct_words, family
from sops.models import SOP

CHUNK = 200


def split_key(key: str) -> tuple[str, int]:
    doctype, _, pk = key.partition(":")
    return doctype, int(pk)


def _join(values: Iterable) -> str:
    return ",".join(sorted({str(v) for v in values if v not in (None, "")}))


def _finish(doc: dict) -> dict:
    payload = json.dumps(doc, sort_keys=True, default=str)
    doc["fingerprint"] = hashlib.sha1(payload.encode()).hexdigest()
    return {k: v for k, v in doc.items() if v not in (None, "")}


HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def headings(markdown: str) -> str:
    """The Markdown headings of a body, one a line."""
    return "\n".join(HEADING.findall(markdown or ""))


def _topics(topics) -> tuple[list[Topic], list[Topic]]:
    areas = [t for t in topics if t.kind != Topic.Kind.CATEGORY]
    categories = [t for t in topics if t.kind == Topic.Kind.CATEGORY]
    return areas, categories


# --- SOPs: the current published version of each; none means not in the index.


def sop_queryset() -> QuerySet[SOP]:
    return (
        SOP.objects.filter(current_version__isnull=False)
        .select_related("current_version", "agency__country__region", "language")
        .prefetch_related("topics", "countries__region", "partner_agencies")
        .order_by("pk")
    )


def sop_document(sop: SOP) -> dict:
    version = sop.current_version
    fam = family(sop.language_id)
    areas, categories = _topics(sop.topics.all())
    countries = list(sop.countries.all()) or [sop.agency.country]
    agency = sop.agency
    body = "\n\n".join(p for p in (version.body, version.change_summary) if p)
    meta = [agency.name, agency.acronym, *(c.name for c in countries)]
    meta += [c.region.name for c in countries] + [t.name for t in sop.topics.all()]
    return _finish(
        {
            "key": f"sop:{sop.pk}",
            "doctype": "sop",
            "pk": sop.pk,
            "reference": sop.reference,
            "title": version.title,
            "subtitle": f"{agency.acronym or agency.name} · {version.number}",
            # The title in its language's field (stemmed) and, folded but unstemmed, in
            # title_xx: the words as typed rank above other forms of them.
            "title_xx": version.title,
            f"title_{fam}": version.title,
            f"heading_{fam}": headings(version.body),
            f"body_{fam}": body,
            "meta": " ".join(m for m in meta if m),
            "topics": _join(t.slug for t in areas),
            "categories": _join(t.slug for t in categories),
            "country": _join(c.code for c in countries),
            "region": _join(c.region.code for c in countries),
            "agency": agency.code,
            "language": sop.language_id,
            "visibility": sop.visibility,
            "allowed": _join([agency.pk, *(a.pk for a in sop.partner_agencies.all())])
            if sop.visibility == SOP.Visibility.AGENCY
            else "",
            "date": version.published,
            "spell": distinct_words(f"{version.title}\n{body}"),
            "complete": f"{sop.reference} {version.title}",
        }
    )


# --- Experts: only vetted ones (an approved membership), only what a vetted member may
# read on their profile. Contact details (e-mail, phone) are never indexed.


def expert_queryset() -> QuerySet[Expert]:
    approved = Membership.objects.filter(status=Membership.Status.APPROVED).select_related("agency")
    return (
        Expert.objects.filter(memberships__status=Membership.Status.APPROVED)
        .distinct()
        .select_related("country__region")
        .prefetch_related(
            "topics", "languages", Prefetch("memberships", approved, to_attr="approved")
        )
        .order_by("pk")
    )


def expert_document(expert: Expert) -> dict:
    agencies = [m.agency for m in expert.approved]
    areas, categories = _topics(expert.topics.all())
    languages = list(expert.languages.all())
    country = expert.country
    meta = [a.name for a in agencies] + [a.acronym for a in agencies]
    meta += [t.name for t in expert.topics.all()] + [lang.name for lang in languages]
    if country:
        meta += [country.name, country.region.name]
    if expert.is_trainer:
        meta.append("trainer")
    return _finish(
        {
            "key": f"expert:{expert.pk}",
            "doctype": "expert",
            "pk": expert.pk,
            "title": expert.full_name,
            "subtitle": expert.position,
            "title_xx": expert.full_name,
            "body_en": f"{expert.position}\n{expert.bio}",
            "meta": " ".join(m for m in meta if m),
            "topics": _join(t.slug for t in areas),
            "categories": _join(t.slug for t in categories),
            "country": country.code if country else "",
            "region": country.region.code if country else "",
            "agency": _join(a.code for a in agencies),
            "language": _join(lang.code for lang in languages),
            "visibility": "network",
            "date": expert.created,
            "spell": f"{expert.full_name}\n{expert.position}",
            "complete": expert.full_name,
        }
    )


# --- Agencies: public.


def agency_queryset() -> QuerySet[Agency]:
    return Agency.objects.select_related("country__region").order_by("pk")


def agency_document(agency: Agency) -> dict:
    meta = [agency.acronym, agency.get_kind_display(), agency.country.name]
    meta.append(agency.country.region.name)
    return _finish(
        {
            "key": f"agency:{agency.pk}",
            "doctype": "agency",
            "pk": agency.pk,
            "title": str(agency),
            "subtitle": f"{agency.get_kind_display()} · {agency.country.name}",
            "title_xx": f"{agency.name} {agency.acronym}",
            "body_en": agency.description,
            "meta": " ".join(str(m) for m in meta if m),
            "country": agency.country_id,
            "region": agency.country.region.code,
            "agency": agency.code,
            "visibility": "public",
            "spell": f"{agency.name}\n{agency.description}",
            "complete": f"{agency.acronym} {agency.name}",
        }
    )


def _activity_queryset():
    from training.search_documents import activity_queryset

    return activity_queryset()


def _activity_document(activity) -> dict:
    from training.search_documents import activity_document

    return activity_document(activity, finish=_finish, join=_join)


SOURCES = {
    "sop": (sop_queryset, sop_document),
    "expert": (expert_queryset, expert_document),
    "agency": (agency_queryset, agency_document),
    # Trainings and exercises: built by their app (training/search_documents.py).
    "activity": (_activity_queryset, _activity_document),
}


def documents_for(keys: Iterable[str]) -> dict[str, dict]:
    """The documents the database holds now for ``keys``; a missing key means delete."""
    wanted: dict[str, set[int]] = {}
    for key in keys:
        doctype, pk = split_key(key)
        wanted.setdefault(doctype, set()).add(pk)
    docs = {}
    for doctype, pks in wanted.items():
        queryset, build = SOURCES[doctype]
        for obj in queryset().filter(pk__in=pks):
            docs[f"{doctype}:{obj.pk}"] = build(obj)
    return docs


def all_documents(chunk: int = CHUNK) -> Iterator[dict]:
    """Every document the index should hold, read in chunks to bound memory."""
    for queryset, build in SOURCES.values():
        for obj in queryset().iterator(chunk_size=chunk):
            yield build(obj)


def count_documents() -> int:
    return sum(queryset().count() for queryset, _build in SOURCES.values())
