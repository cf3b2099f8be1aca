"""Reads of capacities and needs, and THE visibility rule of TLP-labelled data.

``label_allows_q`` is the one home of "who may see an assessment or a need under its
Traffic Light Protocol label". Pages, the API, CSV exports, search documents and
notifications all go through ``visible_assessments`` / ``visible_needs`` (or
``assessment_audience``, ``search_visibility``), which are built on it:

* TLP:CLEAR        anyone, signed in or not;
* TLP:GREEN        every vetted member of the network;
* TLP:AMBER        members of the assessed agencies and of the agencies they name
                   (and platform staff, and the reviewer);
* TLP:AMBER+STRICT members of the assessed agencies only (and staff, and the reviewer);
* TLP:RED          the people named on the assessment, nobody else: not staff either.

An assessment that is not validated yet is seen, within its label, only by members of
the assessed agencies, its reviewer and staff. A need is seen when its assessment is and
its own label allows it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from capacity.models import (
    TLP,
    Assessment,
    EquipmentDelivery,
    Evidence,
    Indicator,
    Need,
    Regulation,
    Score,
)
from network.models import Country, Expert, Membership
from network.permissions import approved_roles, is_vetted
from sops.models import SOP
from sops.permissions import visible_sops_q

AssessedAgency = Assessment.agencies.through
PartnerAgency = Assessment.partner_agencies.through
NamedPerson = Assessment.named_people.through


def label_allows_q(user, *, tlp: str = "tlp", assessment: str = "pk") -> Q:
    """Rows whose TLP label (field ``tlp``) lets ``user`` see them; ``assessment`` is the
    field holding the assessment's id on the filtered model."""
    clear = Q(**{tlp: TLP.CLEAR})
    if not user or not user.is_authenticated:
        return clear
    ref = OuterRef(assessment)
    named = Exists(NamedPerson.objects.filter(assessment_id=ref, user_id=user.pk))
    red = Q(**{tlp: TLP.RED}) & named
    if not is_vetted(user):
        return clear | red
    if user.is_staff:
        return ~Q(**{tlp: TLP.RED}) | red
    mine = list(approved_roles(user))
    assessed = Exists(AssessedAgency.objects.filter(assessment_id=ref, agency_id__in=mine))
    partner = Exists(PartnerAgency.objects.filter(assessment_id=ref, agency_id__in=mine))
    reviewer = Exists(Assessment.objects.filter(pk=ref, reviewer_id=user.pk))
    return (
        clear
        | Q(**{tlp: TLP.GREEN})
        | (Q(**{tlp: TLP.AMBER}) & (assessed | partner | reviewer))
        | (Q(**{tlp: TLP.AMBER_STRICT}) & (assessed | reviewer))
        | red
    )


def _working_q(user) -> Q:
    """Assessments in progress: for the assessed agencies, the reviewer and staff."""
    validated = Q(status=Assessment.Status.VALIDATED)
    if not user or not user.is_authenticated or not is_vetted(user):
        return validated
    if user.is_staff:
        return Q()
    mine = list(approved_roles(user))
    assessed = Exists(
        AssessedAgency.objects.filter(assessment_id=OuterRef("pk"), agency_id__in=mine)
    )
    return validated | assessed | Q(reviewer_id=user.pk)


def visible_assessments(user) -> QuerySet[Assessment]:
    """Every assessment ``user`` may see (a RED one only if they are named on it)."""
    return Assessment.objects.filter(label_allows_q(user) & _working_q(user))


def published_assessments(user) -> QuerySet[Assessment]:
    """Validated assessments ``user`` may see: what the heat map and country pages show."""
    return visible_assessments(user).filter(status=Assessment.Status.VALIDATED)


def visible_needs(user) -> QuerySet[Need]:
    seen = visible_assessments(user).filter(pk=OuterRef("assessment_id"))
    return Need.objects.filter(Exists(seen) & label_allows_q(user, assessment="assessment_id"))


def can_see_assessment(user, assessment: Assessment) -> bool:
    return visible_assessments(user).filter(pk=assessment.pk).exists()


def assessment_for_viewer(*, user, pk: int) -> Assessment | None:
    return (
        visible_assessments(user)
        .select_related("country", "lead_agency", "previous", "reviewer", "validated_by")
        .filter(pk=pk)
        .first()
    )


def assessment_audience(assessment: Assessment, user_ids) -> set[int]:
    """Which of ``user_ids`` may see ``assessment``: for notifications (one query per person,
    so the rule stays the one above; a country's followers are tens, not thousands)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(pk__in=list(user_ids), is_active=True)
    return {u.pk for u in users if can_see_assessment(u, assessment)}


def search_visibility(assessment: Assessment) -> tuple[str, list[int]] | None:
    """How search filters a validated assessment: (visibility, allowed agency ids), or None
    for "never indexed" (TLP:RED, or not validated). Mirrors ``label_allows_q`` in the
    index's terms: public / network / agency-with-allowed-ids (staff see the agency ones)."""
    if assessment.status != Assessment.Status.VALIDATED or assessment.tlp == TLP.RED:
        return None
    if assessment.tlp == TLP.CLEAR:
        return "public", []
    if assessment.tlp == TLP.GREEN:
        return "network", []
    allowed = [a.pk for a in assessment.agencies.all()]
    if assessment.tlp == TLP.AMBER:
        allowed += [a.pk for a in assessment.partner_agencies.all()]
    return "agency", sorted(set(allowed))


# --- The framework


def active_indicators() -> QuerySet[Indicator]:
    return Indicator.objects.filter(retired__isnull=True)


# --- The heat map


@dataclass
class HeatMap:
    year: int | None
    years: list[int]
    indicators: list[Indicator]
    rows: list[tuple[Country, Assessment | None, list[int | None]]] = field(default_factory=list)

    @property
    def assessed_count(self) -> int:
        return sum(1 for _c, a, _l in self.rows if a is not None)


def heat_map(*, user, year: int | None = None, region: str | None = None) -> HeatMap:
    """Countries × indicators for ``year`` (default: the latest with a visible validated
    assessment). A country's row comes from its country assessment, or failing that the
    latest validated agency assessment. Four queries, whatever the data's size."""
    shown = published_assessments(user)
    years = list(shown.order_by("-year").values_list("year", flat=True).distinct())
    if year is None or year not in years:
        year = years[0] if years else None
    indicators = list(active_indicators())
    countries = Country.objects.select_related("region").order_by("name")
    if region:
        countries = countries.filter(region__code=region)
    chosen: dict[str, Assessment] = {}
    if year is not None:
        candidates = (
            shown.filter(year=year)
            .select_related("lead_agency")
            .order_by("country_id", "-scope", "-validated", "pk")
        )
        # "country" sorts after "agency": -scope puts country assessments first.
        for a in candidates:
            chosen.setdefault(a.country_id, a)
    levels: dict[int, dict[int, int | None]] = defaultdict(dict)
    for assessment_id, indicator_id, level in Score.objects.filter(
        assessment_id__in=[a.pk for a in chosen.values()]
    ).values_list("assessment_id", "indicator_id", "level"):
        levels[assessment_id][indicator_id] = level
    rows = []
    for country in countries:
        a = chosen.get(country.code)
        if a is None and region is None and country.region.code not in ("SEEE", "CA"):
            continue  # EU and international rows only when they were assessed
        row = [levels[a.pk].get(i.pk) if a else None for i in indicators]
        rows.append((country, a, row))
    return HeatMap(year=year, years=years, indicators=indicators, rows=rows)


# --- A country's page


@dataclass
class CountryPicture:
    country: Country
    indicators: list[Indicator]
    years: list[int]
    # indicator id -> {year: level}
    history: dict[int, dict[int, int | None]]
    assessments: list[Assessment]
    open_needs: list[Need]
    sops_in_force: list[SOP]
    sops_adopted: list[SOP]
    trainers: list[Expert]
    deliveries: list[EquipmentDelivery]
    delivered_value: object
    regulations: list[Regulation]


def country_picture(*, user, country: Country) -> CountryPicture:
    """Everything the country page shows, in a fixed number of queries."""
    assessments = list(
        published_assessments(user)
        .filter(country=country)
        .select_related("lead_agency")
        .order_by("year", "-scope", "pk")
    )
    by_year: dict[int, Assessment] = {}
    for a in assessments:
        by_year.setdefault(a.year, a)
    history: dict[int, dict[int, int | None]] = defaultdict(dict)
    year_of = {a.pk: y for y, a in by_year.items()}
    for assessment_id, indicator_id, level in Score.objects.filter(
        assessment_id__in=list(year_of)
    ).values_list("assessment_id", "indicator_id", "level"):
        history[indicator_id][year_of[assessment_id]] = level
    used = set(history)
    indicators = [i for i in Indicator.objects.all() if i.retired is None or i.pk in used]
    open_needs = list(
        visible_needs(user)
        .filter(
            assessment__country=country, status__in=[Need.Status.IDENTIFIED, Need.Status.PLANNED]
        )
        .select_related("indicator", "assessment")
        .order_by("priority", "kind", "pk")
    )
    sops = (
        SOP.objects.filter(
            visible_sops_q(user), current_version__isnull=False, agency__country=country
        )
        .select_related("agency", "current_version", "adapted_from__sop__agency")
        .distinct()
        .order_by("reference")
    )
    sops = list(sops)
    adopted = [
        s
        for s in sops
        if s.adapted_from_id and s.adapted_from.sop.agency.country_id != country.code
    ]
    trainers = []
    if is_vetted(user):
        trainers = list(
            Expert.objects.filter(
                is_trainer=True,
                memberships__agency__country=country,
                memberships__status=Membership.Status.APPROVED,
            )
            .distinct()
            .order_by("full_name")
        )
    deliveries = list(
        EquipmentDelivery.objects.filter(recipient__country=country)
        .select_related("recipient")
        .order_by("-date", "pk")
    )
    total = sum((d.value_eur for d in deliveries), start=0)
    regulations = list(Regulation.objects.filter(country=country).order_by("-date", "pk"))
    return CountryPicture(
        country=country,
        indicators=indicators,
        years=sorted(by_year),
        history=history,
        assessments=assessments,
        open_needs=open_needs,
        sops_in_force=sops,
        sops_adopted=adopted,
        trainers=trainers,
        deliveries=deliveries,
        delivered_value=total,
        regulations=regulations,
    )


# --- An assessment's page


def assessment_scores(*, user, assessment: Assessment) -> list[Score]:
    """The scores with their evidence; evidence the viewer may not open is left out."""
    sops = SOP.objects.filter(visible_sops_q(user)).values("pk")
    evidence = (
        Evidence.objects.filter(Q(sop__isnull=True) | Q(sop__in=sops))
        .filter(Q(attachment__isnull=True) | Q(attachment__version__sop__in=sops))
        .select_related("sop", "regulation", "attachment")
    )
    return list(
        Score.objects.filter(assessment=assessment)
        .select_related("indicator")
        .prefetch_related(Prefetch("evidence", evidence))
    )


def previous_levels(assessment: Assessment) -> dict[int, int | None]:
    """Indicator id -> last year's level, to show the change (the previous assessment is
    shown only as far as this one is: its levels, not its text)."""
    if not assessment.previous_id:
        return {}
    return dict(
        Score.objects.filter(assessment_id=assessment.previous_id).values_list(
            "indicator_id", "level"
        )
    )


def assessment_needs(*, user, assessment: Assessment) -> list[Need]:
    return list(
        visible_needs(user)
        .filter(assessment=assessment)
        .select_related("indicator", "met_by_delivery", "met_by_sop", "met_by_regulation")
    )


# --- Lists and totals


def need_list(*, user, filters: dict) -> QuerySet[Need]:
    needs = visible_needs(user).select_related(
        "assessment__country", "assessment__lead_agency", "indicator", "met_by_delivery",
        "met_by_sop", "met_by_regulation",
    )  # fmt: skip
    for key in ("kind", "status"):
        if filters.get(key):
            needs = needs.filter(**{key: filters[key]})
    if filters.get("country"):
        needs = needs.filter(assessment__country_id=filters["country"])
    return needs.order_by("assessment__country__name", "priority", "pk")


def equipment_totals(*, by: str) -> list[dict]:
    """Quantity, value and count of deliveries grouped by country, category or year."""
    qs = EquipmentDelivery.objects.all()
    if by == "country":
        qs = qs.values(key=models_f("recipient__country__name"))
    elif by == "category":
        qs = qs.values(key=models_f("category"))
    else:
        qs = qs.annotate(y=ExtractYear("date")).values(key=models_f("y"))
    return list(
        qs.annotate(
            deliveries=Count("pk"), quantity=Sum("quantity"), value=Sum("value_eur")
        ).order_by("key")
    )


def models_f(name: str):
    from django.db.models import F

    return F(name)


def delivery_list(*, filters: dict) -> QuerySet[EquipmentDelivery]:
    qs = EquipmentDelivery.objects.select_related("recipient__country")
    if filters.get("country"):
        qs = qs.filter(recipient__country_id=filters["country"])
    if filters.get("category"):
        qs = qs.filter(category=filters["category"])
    return qs.order_by("-date", "pk")


def regulation_list(*, user, filters: dict) -> QuerySet[Regulation]:
    """The register (public); the SOPs it links to only as far as ``user`` may see them."""
    sops = SOP.objects.filter(visible_sops_q(user)).distinct().order_by("reference")
    qs = Regulation.objects.select_related("country", "language").prefetch_related(
        "indicators", Prefetch("sops", sops)
    )
    if filters.get("country"):
        qs = qs.filter(country_id=filters["country"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    return qs.order_by("country__name", "-date", "pk")
