"""Experts and agencies in the search index.

Experts: only vetted ones (an approved membership), only what a vetted member may read
on their profile, and only vetted members see them. Contact details (e-mail, phone) are
never indexed. Agencies are public.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from network.models import Agency, Expert, Membership
from network.permissions import is_vetted
from search import registry
from search.documents import finish, join, split_topics


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
    areas, categories = split_topics(expert.topics.all())
    languages = list(expert.languages.all())
    country = expert.country
    meta = [a.name for a in agencies] + [a.acronym for a in agencies]
    meta += [t.name for t in expert.topics.all()] + [lang.name for lang in languages]
    if country:
        meta += [country.name, country.region.name]
    if expert.is_trainer:
        meta.append("trainer")
    return finish(
        {
            "key": f"expert:{expert.pk}",
            "doctype": "expert",
            "pk": expert.pk,
            "title": expert.full_name,
            "subtitle": expert.position,
            "title_xx": expert.full_name,
            "body_en": f"{expert.position}\n{expert.bio}",
            "meta": " ".join(m for m in meta if m),
            "topics": join(t.slug for t in areas),
            "categories": join(t.slug for t in categories),
            "country": country.code if country else "",
            "region": country.region.code if country else "",
            "agency": join(a.code for a in agencies),
            "language": join(lang.code for lang in languages),
            "visibility": "network",
            "date": expert.created,
            "spell": f"{expert.full_name}\n{expert.position}",
            "complete": expert.full_name,
        }
    )


def experts_shown(pks: list[int], user, terms: frozenset | None) -> dict[int, str]:
    """Every hit for a vetted member (none for anyone else), with position and bio."""
    if not is_vetted(user):
        return {}
    if terms is None:
        return dict.fromkeys(pks, "")
    rows = Expert.objects.filter(pk__in=pks).values_list("pk", "position", "bio")
    texts = {pk: f"{position}. {bio}" if position else bio for pk, position, bio in rows}
    return {pk: texts.get(pk, "") for pk in pks}


def agency_queryset() -> QuerySet[Agency]:
    return Agency.objects.select_related("country__region").order_by("pk")


def agency_document(agency: Agency) -> dict:
    meta = [agency.acronym, agency.get_kind_display(), agency.country.name]
    meta.append(agency.country.region.name)
    return finish(
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


def agencies_shown(pks: list[int], user, terms: frozenset | None) -> dict[int, str]:
    """Every hit (agencies are public), with its description."""
    if terms is None:
        return dict.fromkeys(pks, "")
    texts = dict(Agency.objects.filter(pk__in=pks).values_list("pk", "description"))
    return {pk: texts.get(pk, "") for pk in pks}


registry.register(
    registry.DocType(
        name="expert",
        label=_("Experts"),
        queryset=expert_queryset,
        document=expert_document,
        shown=experts_shown,
        url=lambda stored: reverse("network:expert", args=[stored["pk"]]),
        # Joined, changed, left: an expert becomes findable, changes, or may drop out.
        reindex_on={
            kind: "expert_id" for kind in ("expert.joined", "expert.updated", "expert.left")
        },
        position=20,
    )
)
registry.register(
    registry.DocType(
        name="agency",
        label=_("Agencies"),
        queryset=agency_queryset,
        document=agency_document,
        shown=agencies_shown,
        url=lambda stored: reverse("network:agency", args=[stored["agency"]]),
        position=30,
    )
)
