"""Procedures in the search index: the current published version of each SOP.

An SOP with none is not in the index. Its hits are checked once more against
``visible_sops_q`` (the one rule) as they are shown, so one whose visibility just
narrowed (its reindex still queued) never leaks.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from search import highlight, registry
from search.analysis import distinct_words, family
from search.documents import finish, headings, join, split_topics
from sops.models import SOP
from sops.permissions import visible_sops_q
from sops.rendering import plain_text


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
    areas, categories = split_topics(sop.topics.all())
    countries = list(sop.countries.all()) or [sop.agency.country]
    agency = sop.agency
    body = "\n\n".join(p for p in (version.body, version.change_summary) if p)
    meta = [agency.name, agency.acronym, *(c.name for c in countries)]
    meta += [c.region.name for c in countries] + [t.name for t in sop.topics.all()]
    return finish(
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
            "topics": join(t.slug for t in areas),
            "categories": join(t.slug for t in categories),
            "country": join(c.code for c in countries),
            "region": join(c.region.code for c in countries),
            "agency": agency.code,
            "language": sop.language_id,
            "visibility": sop.visibility,
            "allowed": join([agency.pk, *(a.pk for a in sop.partner_agencies.all())])
            if sop.visibility == SOP.Visibility.AGENCY
            else "",
            "date": version.published,
            "spell": distinct_words(f"{version.title}\n{body}"),
            "complete": f"{sop.reference} {version.title}",
        }
    )


def sops_shown(pks: list[int], user, terms: frozenset | None) -> dict[int, str]:
    """The hits ``user`` may see now, with the passage of each body that matched: one
    query reads both."""
    rows = (
        SOP.objects.filter(pk__in=pks, current_version__isnull=False)
        .filter(visible_sops_q(user))
        .values_list("pk", *(["current_version__body"] if terms is not None else []))
        .distinct()
    )
    return {pk: plain_text(highlight.passage(body[0], terms)) if body else "" for pk, *body in rows}


registry.register(
    registry.DocType(
        name="sop",
        label=_("Procedures"),
        queryset=sop_queryset,
        document=sop_document,
        shown=sops_shown,
        url=lambda stored: reverse("sops:detail", args=[stored["pk"]]),
        # sop.adapted is not one: an adaptation is a draft, indexed when it is published.
        reindex_on={
            kind: "sop_id"
            for kind in ("sop.published", "sop.withdrawn", "sop.took_effect", "sop.changed")
        },
        position=10,
    )
)
