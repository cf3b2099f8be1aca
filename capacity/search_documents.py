"""Search documents for regulations (public) and validated assessments (by their label).

Registered in ``search.registry``, so the index, its rebuild and its consistency check
(``search_check``) treat them like SOPs. A TLP:RED or unvalidated assessment is
never indexed; the others carry the index's visibility terms from
``capacity.selectors.search_visibility``, and shown hits are checked once more against
``visible_assessments`` (the one rule).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from capacity.models import TLP, Assessment, Regulation
from capacity.selectors import search_visibility, visible_assessments
from search import registry
from search.analysis import distinct_words, family
from search.documents import finish, join


def regulation_queryset() -> QuerySet[Regulation]:
    return Regulation.objects.select_related("country__region", "language").order_by("pk")


def regulation_document(r: Regulation) -> dict:
    fam = family(r.language_id)
    doc = {
        "key": f"regulation:{r.pk}",
        "doctype": "regulation",
        "pk": r.pk,
        "title": r.title_en,
        "subtitle": f"{r.country.name} · {r.get_kind_display()} · {r.title_original}"[:300],
        "url": r.get_absolute_url(),
        "title_xx": f"{r.title_en} {r.title_original}",
        "title_en": r.title_en,
        "meta": f"{r.country.name} {r.country.region.name}",
        "country": r.country_id,
        "region": r.country.region.code,
        "language": r.language_id or "",
        "visibility": "public",
        "spell": distinct_words(f"{r.title_en}\n{r.title_original}"),
        "complete": r.title_en,
    }
    if fam != "en":
        doc[f"title_{fam}"] = r.title_original
    return finish(doc)


def assessment_queryset() -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(status=Assessment.Status.VALIDATED)
        .exclude(tlp=TLP.RED)
        .select_related("country__region", "lead_agency")
        .prefetch_related("agencies", "partner_agencies")
        .order_by("pk")
    )


def assessment_document(a: Assessment) -> dict:
    visibility, allowed = search_visibility(a)
    title = str(_("Capacity assessment %(year)s: %(who)s")) % {"year": a.year, "who": a}
    agencies = list(a.agencies.all())
    return finish(
        {
            "key": f"assessment:{a.pk}",
            "doctype": "assessment",
            "pk": a.pk,
            "title": title,
            "subtitle": f"{a.get_tlp_display()} · {a.country.name}",
            "url": reverse("capacity:assessment", args=[a.pk]),
            "title_xx": title,
            "title_en": title,
            "body_en": a.summary,
            "meta": " ".join([a.country.name, a.country.region.name, *(x.name for x in agencies)]),
            "country": a.country_id,
            "region": a.country.region.code,
            "agency": join(x.code for x in agencies),
            "visibility": visibility,
            "allowed": join(allowed),
            "date": a.validated,
            "complete": title,
        }
    )


def assessments_shown(pks: list[int], user, terms: frozenset | None) -> dict[int, str]:
    """The hits ``user`` may see now (``visible_assessments``); no snippets."""
    shown = visible_assessments(user).filter(pk__in=pks).values_list("pk", flat=True)
    return dict.fromkeys(shown, "")


registry.register(
    registry.DocType(
        name="regulation",
        label=_("Regulations"),
        queryset=regulation_queryset,
        document=regulation_document,
        shown=registry.shown_to_everyone,
        reindex_on={"regulation.changed": "regulation_id"},
        position=50,
    )
)
registry.register(
    registry.DocType(
        name="assessment",
        label=_("Capacity assessments"),
        queryset=assessment_queryset,
        document=assessment_document,
        shown=assessments_shown,
        # A validated assessment enters search; any other move may take one out.
        reindex_on={
            kind: "assessment_id"
            for kind in ("assessment.validated", "assessment.changed", "assessment.returned")
        },
        position=60,
    )
)
