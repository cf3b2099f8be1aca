"""Capacity pages: the region at a glance, a country, an assessment and its workflow,
needs, equipment and the regulations register, each with its CSV export.

Reads go through ``capacity.selectors`` (TLP applied there); writes call one service
and show its refusal as it is.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from capacity import exports, selectors, services
from capacity.forms import (
    AssessmentSharingForm,
    AssessmentStartForm,
    EvidenceForm,
    NeedForm,
    NeedMetForm,
    NeedStatusForm,
    OptionalTextForm,
    ScoresForm,
    SubmitForm,
    TextForm,
)
from capacity.heatmap_svg import COLOURS, heat_map_svg, heat_map_table_body
from capacity.models import TLP, TLP_MEANING, Assessment, EquipmentDelivery, Level, Need, Regulation
from capacity.permissions import can_edit_assessment, can_start_assessment, can_validate
from frontline.errors import ActionRefused
from frontline.text import lookup_param
from network.models import Country, Region


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _wants_csv(request) -> bool:
    return request.GET.get("format") == "csv"


def _legend() -> list[tuple[int, str, str]]:
    return [(v, label, COLOURS[v]) for v, label in Level.choices]


@require_GET
def heat_map(request):
    region = lookup_param(request, "region") or None
    if region and not Region.objects.filter(code=region).exists():
        region = None
    hm = selectors.heat_map(user=request.user, year=_int(request.GET.get("year")), region=region)
    if _wants_csv(request):
        header = ["country_code", "country", "assessment_id", *(i.code for i in hm.indicators)]
        return exports.csv_response(
            f"capacity-heat-map-{hm.year or 'none'}.csv", header, exports.heat_map_rows(hm)
        )
    return render(
        request,
        "capacity/heat_map.html",
        {
            "hm": hm,
            "svg": heat_map_svg(hm),
            "table_body": heat_map_table_body(
                hm, lambda code: reverse("capacity:country", args=[code])
            ),
            "legend": _legend(),
            "regions": Region.objects.all(),
            "region": region,
        },
    )


@require_GET
def country(request, code: str):
    country = get_object_or_404(Country.objects.select_related("region"), code=code.upper())
    picture = selectors.country_picture(user=request.user, country=country)
    if _wants_csv(request):
        return exports.csv_response(
            f"capacity-{country.code}.csv",
            ["indicator_code", "indicator", *map(str, picture.years)],
            exports.history_rows(picture),
        )
    rows = [
        (indicator, [picture.history[indicator.pk].get(y) for y in picture.years])
        for indicator in picture.indicators
    ]
    return render(
        request, "capacity/country.html", {"p": picture, "rows": rows, "country": country}
    )


def _assessment_or_404(request, pk: int) -> Assessment:
    assessment = selectors.assessment_for_viewer(user=request.user, pk=pk)
    if assessment is None:
        raise Http404(_("No such assessment, or it is not shared with you."))
    return assessment


@require_GET
def assessment_detail(request, pk: int):
    a = _assessment_or_404(request, pk)
    scores = selectors.assessment_scores(user=request.user, assessment=a)
    before = selectors.previous_levels(a)
    if _wants_csv(request):
        return exports.csv_response(
            f"capacity-assessment-{a.pk}.csv",
            ["indicator_code", "indicator", "level", "previous_level", "justification"],
            (
                [
                    s.indicator.code,
                    s.indicator.title,
                    s.level,
                    before.get(s.indicator_id),
                    s.justification,
                ]
                for s in scores
            ),
        )
    rows = []
    for s in scores:
        old = before.get(s.indicator_id)
        change = (s.level - old) if (s.level and old) else None
        rows.append((s, old, change))
    editable = a.status in services.EDITABLE and can_edit_assessment(request.user, a)
    reviewing = a.status == Assessment.Status.SUBMITTED and can_validate(request.user, a)
    context = {
        "a": a,
        "rows": rows,
        "needs": selectors.assessment_needs(user=request.user, assessment=a),
        "comments": a.comments.select_related("author__expert"),
        "agencies": a.agencies.all(),
        "editable": editable,
        "reviewing": reviewing,
        "tlp_meaning": TLP_MEANING[a.tlp],
        "submit_form": SubmitForm(assessment=a) if editable else None,
        "need_form": NeedForm(initial={"tlp": a.tlp}) if editable else None,
        "review_form": OptionalTextForm() if reviewing else None,
        "comment_form": TextForm() if (editable or reviewing) else None,
        "evidence_form": EvidenceForm(assessment=a, user=request.user) if editable else None,
    }
    return render(request, "capacity/assessment.html", context)


@login_required
def assessment_start(request):
    if not can_start_assessment(request.user):
        raise PermissionDenied(_("Only editors of an agency start its assessment."))
    form = AssessmentStartForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            a = services.assessment_start(by=request.user, **form.cleaned_data)
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Assessment started from last year's scores."))
            return redirect("capacity:assessment_edit", a.pk)
    return render(
        request,
        "capacity/assessment_start.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
def assessment_edit(request, pk: int):
    a = _assessment_or_404(request, pk)
    if not can_edit_assessment(request.user, a):
        raise PermissionDenied(
            _("Only editors of the assessed agencies can change this assessment.")
        )
    scores = list(a.scores.select_related("indicator"))
    form = ScoresForm(request.POST or None, scores=scores)
    sharing = AssessmentSharingForm(
        request.POST or None,
        prefix="sharing",
        initial={
            "tlp": a.tlp,
            "summary": a.summary,
            "partner_agencies": list(a.partner_agencies.all()),
            "named_people": list(a.named_people.all()),
        },
    )
    if request.method == "POST" and form.is_valid() and sharing.is_valid():
        try:
            services.assessment_update(by=request.user, assessment=a, **sharing.cleaned_data)
            for s in scores:
                level = form.cleaned_data[f"level_{s.indicator_id}"]
                text = form.cleaned_data[f"justification_{s.indicator_id}"]
                if str(s.level or "") != level or s.justification != text:
                    services.score_set(
                        by=request.user, assessment=a, indicator=s.indicator, level=level,
                        justification=text,
                    )  # fmt: skip
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Assessment saved."))
            return redirect("capacity:assessment", a.pk)
    before = selectors.previous_levels(a)
    return render(
        request,
        "capacity/assessment_edit.html",
        {"a": a, "form": form, "sharing": sharing, "before": before},
        status=400 if form.errors or sharing.errors else 200,
    )


def _act(request, call, success: str, back: str):
    try:
        call()
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect(back)


@login_required
@require_POST
def assessment_submit(request, pk: int):
    a = _assessment_or_404(request, pk)
    form = SubmitForm(request.POST, assessment=a)
    if not form.is_valid():
        messages.error(request, _("Choose a reviewer from another agency, or platform staff."))
        return redirect(a)
    return _act(
        request,
        lambda: services.assessment_submit(
            by=request.user,
            assessment=a,
            reviewer=form.cleaned_data["reviewer"],
            comment=form.cleaned_data["comment"],
        ),  # fmt: skip
        _("Submitted: the reviewer will validate it or send it back."),
        a.get_absolute_url(),
    )


@login_required
@require_POST
def assessment_review(request, pk: int, decision: str):
    a = _assessment_or_404(request, pk)
    text = (request.POST.get("text") or "")[:5000]
    if decision == "validate":
        call = lambda: services.assessment_validate(by=request.user, assessment=a, comment=text)  # noqa: E731
        done = _("Validated: it is now on the regional picture.")
    else:
        call = lambda: services.assessment_return(by=request.user, assessment=a, comment=text)  # noqa: E731
        done = _("Returned to the assessed agencies with your comment.")
    return _act(request, call, done, a.get_absolute_url())


@login_required
@require_POST
def assessment_comment(request, pk: int):
    a = _assessment_or_404(request, pk)
    return _act(
        request,
        lambda: services.assessment_comment(
            by=request.user, assessment=a, text=request.POST.get("text", "")
        ),
        _("Comment added."),
        a.get_absolute_url(),
    )


@login_required
@require_POST
def evidence_add(request, pk: int):
    a = _assessment_or_404(request, pk)
    form = EvidenceForm(request.POST, assessment=a, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose the indicator, the kind of evidence and what it is."))
        return redirect(a)
    data = form.cleaned_data
    score = a.scores.get(indicator=data["indicator"])
    return _act(
        request,
        lambda: services.evidence_add(
            by=request.user,
            score=score,
            kind=data["kind"],
            sop=data["sop"],
            regulation=data["regulation"],
            url=data["url"] or "",
            label=data["label"],
        ),  # fmt: skip
        _("Evidence linked."),
        a.get_absolute_url(),
    )


@login_required
@require_POST
def need_add(request, pk: int):
    a = _assessment_or_404(request, pk)
    form = NeedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what is needed, its kind, priority and label."))
        return redirect(a)
    return _act(
        request,
        lambda: services.need_add(by=request.user, assessment=a, **form.cleaned_data),
        _("Need added."),
        a.get_absolute_url() + "#needs",
    )


def _need_or_404(request, pk: int) -> Need:
    need = selectors.visible_needs(request.user).select_related("assessment").filter(pk=pk).first()
    if need is None:
        raise Http404(_("No such need, or it is not shared with you."))
    return need


@login_required
def need_met(request, pk: int):
    need = _need_or_404(request, pk)
    if not can_edit_assessment(request.user, need.assessment):
        raise PermissionDenied(_("Only editors of the assessed agencies can change its needs."))
    form = NeedMetForm(request.POST or None, need=need, user=request.user)
    status_form = NeedStatusForm(initial={"status": need.status})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.need_mark_met(
                by=request.user, need=need, delivery=data["delivery"], sop=data["sop"],
                regulation=data["regulation"], note=data["note"],
            )  # fmt: skip
        except ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Need marked as met."))
            return redirect(need.assessment.get_absolute_url() + "#needs")
    return render(
        request,
        "capacity/need_met.html",
        {"need": need, "form": form, "status_form": status_form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def need_status(request, pk: int):
    need = _need_or_404(request, pk)
    form = NeedStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return redirect(need.assessment)
    return _act(
        request,
        lambda: services.need_set_status(
            by=request.user, need=need, status=form.cleaned_data["status"]
        ),
        _("Need updated."),
        need.assessment.get_absolute_url() + "#needs",
    )


@require_GET
def need_list(request):
    filters = {
        "kind": request.GET.get("kind") if request.GET.get("kind") in Need.Kind.values else "",
        "status": request.GET.get("status")
        if request.GET.get("status") in Need.Status.values
        else "",
        "country": lookup_param(request, "country").upper()[:2],
    }
    needs = selectors.need_list(user=request.user, filters=filters)
    if _wants_csv(request):
        return exports.csv_response(
            "capacity-needs.csv",
            ["country", "assessment_id", "year", "kind", "need", "priority", "status", "tlp", "met_by"],
            (
                [n.assessment.country_id, n.assessment_id, n.assessment.year, n.kind, n.title,
                 n.get_priority_display(), n.status, n.get_tlp_display(), str(n.met_by or "")]
                for n in needs
            ),
        )  # fmt: skip
    page = Paginator(needs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "capacity/needs.html",
        {
            "page": page,
            "filters": filters,
            "kinds": Need.Kind.choices,
            "statuses": Need.Status.choices,
            "countries": Country.objects.filter(assessments__isnull=False).distinct(),
        },
    )


@require_GET
def equipment(request):
    by = (
        request.GET.get("by")
        if request.GET.get("by") in ("country", "category", "year")
        else "country"
    )
    filters = {
        "country": lookup_param(request, "country").upper()[:2],
        "category": request.GET.get("category")
        if request.GET.get("category") in EquipmentDelivery.Category.values
        else "",
    }
    totals = selectors.equipment_totals(by=by)
    labels = dict(EquipmentDelivery.Category.choices)
    for row in totals:
        row["label"] = labels.get(row["key"], row["key"]) if by == "category" else row["key"]
    deliveries = selectors.delivery_list(filters=filters)
    if request.GET.get("format") == "csv":
        return exports.csv_response(
            "capacity-equipment.csv",
            ["date", "country", "recipient", "item", "category", "quantity", "value_eur", "programme"],
            (
                [d.date.isoformat(), d.recipient.country_id, str(d.recipient), d.item, d.category,
                 d.quantity, d.value_eur, d.programme]
                for d in deliveries
            ),
        )  # fmt: skip
    if request.GET.get("format") == "totals.csv":
        return exports.csv_response(
            f"capacity-equipment-by-{by}.csv",
            [by, "deliveries", "quantity", "value_eur"],
            ([r["label"], r["deliveries"], r["quantity"], r["value"]] for r in totals),
        )
    page = Paginator(deliveries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "capacity/equipment.html",
        {
            "totals": totals,
            "by": by,
            "page": page,
            "filters": filters,
            "categories": EquipmentDelivery.Category.choices,
            "grand_total": sum((r["value"] or 0) for r in totals),
        },
    )


@require_GET
def regulations(request):
    filters = {
        "country": lookup_param(request, "country").upper()[:2],
        "kind": request.GET.get("kind")
        if request.GET.get("kind") in Regulation.Kind.values
        else "",
    }
    regs = selectors.regulation_list(user=request.user, filters=filters)
    if _wants_csv(request):
        return exports.csv_response(
            "capacity-regulations.csv",
            ["country", "title_original", "title_en", "language", "type", "date", "status", "url",
             "indicators", "sops"],
            (
                [r.country_id, r.title_original, r.title_en, r.language_id or "", r.kind,
                 r.date.isoformat() if r.date else "", r.status, r.url,
                 " ".join(i.code for i in r.indicators.all()),
                 " ".join(s.reference for s in r.sops.all())]
                for r in regs
            ),
        )  # fmt: skip
    return render(
        request,
        "capacity/regulations.html",
        {
            "regulations": regs,
            "filters": filters,
            "kinds": Regulation.Kind.choices,
            "countries": Country.objects.filter(regulations__isnull=False).distinct(),
        },
    )


TLP_CHOICES = TLP.choices  # for templates that list the labels
