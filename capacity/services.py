"""Every change to capacities and needs: permission-checked, in one transaction, audited,
and announced through the outbox (``assessment.validated`` notifies a country's followers
and puts the assessment in search)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from capacity.models import (
    TLP,
    Assessment,
    AssessmentComment,
    EquipmentDelivery,
    Evidence,
    Indicator,
    Level,
    Need,
    Regulation,
    Score,
)
from capacity.permissions import (
    can_draft_for,
    can_edit_assessment,
    can_manage_register,
    can_validate,
    is_independent_reviewer,
)
from capacity.selectors import can_see_assessment
from events.services import event_emit
from frontline.errors import ActionRefused, Conflict, NotAllowed, required_text
from network.models import Agency

Status = Assessment.Status
EDITABLE = (Status.DRAFT, Status.RETURNED)
MIN_YEAR, MAX_YEAR = 2000, 2100


# --- shared


def _record(kind: str, *, by, assessment: Assessment, details: dict | None = None) -> None:
    payload = {
        "assessment_id": assessment.pk,
        "country": assessment.country_id,
        "year": assessment.year,
        "status": assessment.status,
        "tlp": assessment.tlp,
    }
    event_emit(kind=kind, actor=by, target=f"assessment:{assessment.pk}", payload=payload)
    audit_record(
        actor=by,
        action=kind,
        agency=assessment.lead_agency_id,
        target=f"assessment:{assessment.pk}",
        details={"year": assessment.year, "country": assessment.country_id, **(details or {})},
    )


def _locked(assessment: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("country", "lead_agency")
        .get(pk=assessment.pk)
    )


def _require_editable(user, assessment: Assessment) -> None:
    if not can_edit_assessment(user, assessment) or not can_see_assessment(user, assessment):
        raise NotAllowed(_("Only editors of the assessed agencies can change this assessment."))
    if assessment.status not in EDITABLE:
        raise Conflict(
            _("This assessment is %(status)s: it can no longer be changed.")
            % {"status": assessment.get_status_display().lower()}
        )


def _check_tlp(tlp: str) -> str:
    if tlp not in TLP.values:
        raise ActionRefused(_("Choose a TLP label."))
    return tlp


def _check_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ActionRefused(_("Give the year as a number, e.g. 2025.")) from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ActionRefused(_("The year must be between 2000 and 2100."))
    return year


def _check_level(level) -> int | None:
    if level in (None, ""):
        return None
    try:
        level = int(level)
    except (TypeError, ValueError):
        raise ActionRefused(_("A level is a number from 1 to 5.")) from None
    if level not in Level.values:
        raise ActionRefused(_("A level is a number from 1 to 5."))
    return level


# --- the framework


@transaction.atomic
def indicator_save(*, by, indicator: Indicator | None = None, **fields) -> Indicator:
    """Add an indicator, or change its wording (its past scores keep pointing at it)."""
    if not can_manage_register(by):
        raise NotAllowed(_("Only platform staff change the indicator framework."))
    indicator = indicator or Indicator()
    for name in ("code", "title", "description", "order", *(f"level_{n}" for n in range(1, 6))):
        if name in fields:
            setattr(indicator, name, fields[name])
    for n in range(1, 6):
        if not str(getattr(indicator, f"level_{n}") or "").strip():
            raise ActionRefused(_("Describe each of the five levels."))
    if not indicator.code or not indicator.title:
        raise ActionRefused(_("An indicator needs a code and a title."))
    indicator.save()
    audit_record(
        actor=by, action="capacity.register_changed", target=f"indicator:{indicator.pk}",
        details={"code": indicator.code},
    )  # fmt: skip
    return indicator


@transaction.atomic
def indicator_retire(*, by, indicator: Indicator, on: datetime.date | None = None) -> Indicator:
    """Retire an indicator: new assessments leave it out, past scores keep it."""
    if not can_manage_register(by):
        raise NotAllowed(_("Only platform staff change the indicator framework."))
    indicator.retired = on or timezone.localdate()
    indicator.save(update_fields=["retired"])
    audit_record(
        actor=by, action="capacity.register_changed", target=f"indicator:{indicator.pk}",
        details={"retired": indicator.retired.isoformat()},
    )  # fmt: skip
    return indicator


@transaction.atomic
def indicator_restore(*, by, indicator: Indicator) -> Indicator:
    if not can_manage_register(by):
        raise NotAllowed(_("Only platform staff change the indicator framework."))
    indicator.retired = None
    indicator.save(update_fields=["retired"])
    return indicator


# --- assessments


def _previous_for(*, scope: str, country_id: str, lead_agency: Agency, year: int):
    qs = Assessment.objects.filter(scope=scope, year__lt=year)
    if scope == Assessment.Scope.COUNTRY:
        qs = qs.filter(country_id=country_id)
    else:
        qs = qs.filter(lead_agency=lead_agency)
    # The last validated one, else the last one started.
    return (
        qs.filter(status=Status.VALIDATED).order_by("-year").first() or qs.order_by("-year").first()
    )


@transaction.atomic
def assessment_start(
    *,
    by,
    lead_agency: Agency,
    year,
    tlp: str,
    scope: str = Assessment.Scope.AGENCY,
    agencies=(),
    partner_agencies=(),
    named_people=(),
    summary: str = "",
) -> Assessment:
    """Start an assessment. It begins from the last one of the same country or agency: its
    levels, justifications and evidence are copied, so only what changed needs editing."""
    if not can_draft_for(by, lead_agency):
        raise NotAllowed(
            _("Only editors of %(agency)s can start its assessment.") % {"agency": lead_agency}
        )
    year = _check_year(year)
    tlp = _check_tlp(tlp)
    if scope not in Assessment.Scope.values:
        raise ActionRefused(_("Choose whether a country or one agency is assessed."))
    agencies = {lead_agency, *agencies} if scope == Assessment.Scope.COUNTRY else {lead_agency}
    if any(a.country_id != lead_agency.country_id for a in agencies):
        raise ActionRefused(_("A country assessment covers agencies of that country only."))
    clash = Assessment.objects.filter(year=year, scope=scope)
    clash = (
        clash.filter(country_id=lead_agency.country_id)
        if scope == Assessment.Scope.COUNTRY
        else clash.filter(lead_agency=lead_agency)
    )
    if clash.exists():
        raise Conflict(_("An assessment for %(year)s already exists.") % {"year": year})
    previous = _previous_for(
        scope=scope, country_id=lead_agency.country_id, lead_agency=lead_agency, year=year
    )
    assessment = Assessment.objects.create(
        country_id=lead_agency.country_id,
        scope=scope,
        lead_agency=lead_agency,
        year=year,
        tlp=tlp,
        previous=previous,
        summary=summary,
        created_by=by,
    )
    assessment.agencies.set(agencies)
    assessment.partner_agencies.set(partner_agencies)
    people = set(named_people)
    if tlp == TLP.RED:
        people.add(by)  # whoever starts a RED assessment must not lock themselves out
    assessment.named_people.set(people)
    _copy_scores(assessment, previous)
    _record("assessment.created", by=by, assessment=assessment)
    return assessment


def _copy_scores(assessment: Assessment, previous: Assessment | None) -> None:
    indicators = list(Indicator.objects.filter(retired__isnull=True))
    old = {}
    if previous is not None:
        old = {s.indicator_id: s for s in previous.scores.prefetch_related("evidence")}
    scores = Score.objects.bulk_create(
        [
            Score(
                assessment=assessment,
                indicator=i,
                level=old[i.pk].level if i.pk in old else None,
                justification=old[i.pk].justification if i.pk in old else "",
            )
            for i in indicators
        ]
    )
    evidence = []
    for score in scores:
        if score.indicator_id in old:
            for e in old[score.indicator_id].evidence.all():
                e.pk = None
                e.score = score
                evidence.append(e)
    Evidence.objects.bulk_create(evidence)


@transaction.atomic
def assessment_update(
    *, by, assessment: Assessment, tlp: str | None = None, summary: str | None = None,
    partner_agencies=None, named_people=None,
) -> Assessment:  # fmt: skip
    """Change the label, the sharing or the summary of a draft."""
    assessment = _locked(assessment)
    _require_editable(by, assessment)
    if tlp is not None:
        assessment.tlp = _check_tlp(tlp)
    if summary is not None:
        assessment.summary = summary
    assessment.save()
    if partner_agencies is not None:
        assessment.partner_agencies.set(partner_agencies)
    if named_people is not None:
        people = set(named_people)
        if assessment.tlp == TLP.RED:
            people.add(by)
        assessment.named_people.set(people)
    elif assessment.tlp == TLP.RED:
        assessment.named_people.add(by)
    _record("assessment.changed", by=by, assessment=assessment)
    return assessment


@transaction.atomic
def score_set(
    *, by, assessment: Assessment, indicator: Indicator, level, justification: str = ""
) -> Score:
    """Score one indicator. A level above "no capacity" needs a justification."""
    assessment = _locked(assessment)
    _require_editable(by, assessment)
    level = _check_level(level)
    justification = (justification or "").strip()
    if level is not None and level > Level.NONE and not justification:
        raise ActionRefused(
            _("Say why %(indicator)s is at this level: a justification is required.")
            % {"indicator": indicator.title}
        )
    score, _created = Score.objects.update_or_create(
        assessment=assessment,
        indicator=indicator,
        defaults={"level": level, "justification": justification},
    )
    return score


@transaction.atomic
def evidence_add(
    *, by, score: Score, kind: str, sop=None, regulation=None, attachment=None, url: str = "",
    label: str = "",
) -> Evidence:  # fmt: skip
    """Link evidence to a score: an SOP or attachment the editor may see, a regulation, a URL."""
    from sops.permissions import can_view_sop

    _require_editable(by, _locked(score.assessment))
    if kind == Evidence.Kind.SOP:
        if sop is None or not can_view_sop(by, sop):
            raise ActionRefused(_("Choose a procedure you can see."))
    elif kind == Evidence.Kind.ATTACHMENT:
        if attachment is None or not can_view_sop(by, attachment.version.sop):
            raise ActionRefused(_("Choose an attachment you can see."))
    elif kind == Evidence.Kind.REGULATION:
        if regulation is None:
            raise ActionRefused(_("Choose a regulation."))
    elif kind == Evidence.Kind.URL:
        if not url.startswith(("https://", "http://")):
            raise ActionRefused(_("Give a web address starting with https://."))
    else:
        raise ActionRefused(_("Choose what kind of evidence this is."))
    return Evidence.objects.create(
        score=score, kind=kind, sop=sop, regulation=regulation, attachment=attachment,
        url=url if kind == Evidence.Kind.URL else "", label=label[:200],
    )  # fmt: skip


@transaction.atomic
def evidence_remove(*, by, evidence: Evidence) -> None:
    _require_editable(by, _locked(evidence.score.assessment))
    evidence.delete()


@transaction.atomic
def assessment_submit(*, by, assessment: Assessment, reviewer, comment: str = "") -> Assessment:
    """Send an assessment for validation by a reviewer from another agency (or staff)."""
    assessment = _locked(assessment)
    _require_editable(by, assessment)
    if reviewer is None or not is_independent_reviewer(reviewer, assessment):
        raise ActionRefused(
            _(
                "Choose a reviewer from another agency, or platform staff: not someone of the assessed agencies."
            )
        )
    if assessment.tlp == TLP.RED and not assessment.named_people.filter(pk=reviewer.pk).exists():
        raise ActionRefused(_("A TLP:RED assessment can only be reviewed by someone it names."))
    if assessment.scores.filter(level__isnull=True, indicator__retired__isnull=True).exists():
        raise Conflict(_("Score every indicator before submitting."))
    assessment.status = Status.SUBMITTED
    assessment.reviewer = reviewer
    assessment.submitted = timezone.now()
    assessment.save()
    AssessmentComment.objects.create(
        assessment=assessment, author=by, kind=AssessmentComment.Kind.SUBMITTED, text=comment or ""
    )
    _record("assessment.submitted", by=by, assessment=assessment, details={"reviewer": reviewer.pk})
    return assessment


def _require_reviewer(by, assessment: Assessment) -> None:
    if not can_validate(by, assessment) or not can_see_assessment(by, assessment):
        raise NotAllowed(
            _("Only the named reviewer from another agency, or platform staff, can do this.")
        )
    if assessment.status != Status.SUBMITTED:
        raise Conflict(
            _("This assessment is %(status)s, not submitted.")
            % {"status": assessment.get_status_display().lower()}
        )


@transaction.atomic
def assessment_return(*, by, assessment: Assessment, comment: str) -> Assessment:
    """Send it back to the assessed agencies, saying what to change."""
    comment = required_text(
        comment, _("Say what should change: the assessed agencies will see it.")
    )
    assessment = _locked(assessment)
    _require_reviewer(by, assessment)
    assessment.status = Status.RETURNED
    assessment.save()
    AssessmentComment.objects.create(
        assessment=assessment, author=by, kind=AssessmentComment.Kind.RETURNED, text=comment
    )
    _record("assessment.returned", by=by, assessment=assessment)
    return assessment


@transaction.atomic
def assessment_validate(*, by, assessment: Assessment, comment: str = "") -> Assessment:
    """Validate: it appears on the heat map and its country's followers are told."""
    assessment = _locked(assessment)
    _require_reviewer(by, assessment)
    assessment.status = Status.VALIDATED
    assessment.validated = timezone.now()
    assessment.validated_by = by
    assessment.save()
    AssessmentComment.objects.create(
        assessment=assessment, author=by, kind=AssessmentComment.Kind.VALIDATED, text=comment or ""
    )
    _record("assessment.validated", by=by, assessment=assessment)
    return assessment


@transaction.atomic
def assessment_comment(*, by, assessment: Assessment, text: str) -> AssessmentComment:
    text = required_text(text, _("Write a comment first."))
    if not (can_edit_assessment(by, assessment) or can_validate(by, assessment)) or not (
        can_see_assessment(by, assessment)
    ):
        raise NotAllowed(_("Only the assessed agencies and the reviewer comment here."))
    return AssessmentComment.objects.create(assessment=assessment, author=by, text=text[:5000])


# --- needs


def _need_record(by, need: Need) -> None:
    event_emit(
        kind="need.changed",
        actor=by,
        target=f"need:{need.pk}",
        payload={"need_id": need.pk, "assessment_id": need.assessment_id, "status": need.status},
    )
    audit_record(
        actor=by, action="need.changed", agency=need.assessment.lead_agency_id,
        target=f"need:{need.pk}", details={"status": need.status, "kind": need.kind},
    )  # fmt: skip


def _require_need_editor(by, assessment: Assessment) -> None:
    if not can_edit_assessment(by, assessment) or not can_see_assessment(by, assessment):
        raise NotAllowed(_("Only editors of the assessed agencies can change its needs."))


@transaction.atomic
def need_add(
    *, by, assessment: Assessment, kind: str, title: str, priority=Need.Priority.MEDIUM,
    tlp: str | None = None, indicator: Indicator | None = None, description: str = "",
) -> Need:  # fmt: skip
    """Record a need an assessment found. Its label defaults to the assessment's."""
    _require_need_editor(by, assessment)
    title = required_text(title, _("Say what is needed."))
    if kind not in Need.Kind.values:
        raise ActionRefused(_("Choose the kind of need."))
    if int(priority) not in Need.Priority.values:
        raise ActionRefused(_("Choose a priority."))
    need = Need.objects.create(
        assessment=assessment, kind=kind, title=title[:300], priority=int(priority),
        tlp=_check_tlp(tlp or assessment.tlp), indicator=indicator, description=description,
    )  # fmt: skip
    _need_record(by, need)
    return need


@transaction.atomic
def need_set_status(*, by, need: Need, status: str) -> Need:
    """Identified -> planned, or dropped. "Met" goes through ``need_mark_met`` (it needs a link)."""
    _require_need_editor(by, need.assessment)
    if status not in (Need.Status.IDENTIFIED, Need.Status.PLANNED, Need.Status.DROPPED):
        raise ActionRefused(_("Mark a need as met by saying what met it."))
    need.status = status
    need.met_by_delivery = need.met_by_sop = need.met_by_regulation = None
    need.met_by_type = None
    need.met_by_id = None
    need.met_on = None
    need.save()
    _need_record(by, need)
    return need


@transaction.atomic
def need_mark_met(
    *, by, need: Need, delivery: EquipmentDelivery | None = None, sop=None,
    regulation: Regulation | None = None, obj=None, note: str = "",
    on: datetime.date | None = None,
) -> Need:  # fmt: skip
    """A need is met by one thing recorded on the platform, and links to it."""
    from django.contrib.contenttypes.models import ContentType

    from sops.permissions import can_view_sop

    _require_need_editor(by, need.assessment)
    given = [x for x in (delivery, sop, regulation, obj) if x is not None]
    if len(given) != 1:
        raise ActionRefused(
            _("Say what met the need: one delivery, procedure, regulation or activity.")
        )
    agencies = {a.pk for a in need.assessment.agencies.all()}
    if delivery is not None and delivery.recipient_id not in agencies:
        raise ActionRefused(_("That delivery went to another agency."))
    if sop is not None and not can_view_sop(by, sop):
        raise ActionRefused(_("Choose a procedure you can see."))
    if regulation is not None and regulation.country_id != need.assessment.country_id:
        raise ActionRefused(_("That regulation is of another country."))
    need.status = Need.Status.MET
    need.met_by_delivery, need.met_by_sop, need.met_by_regulation = delivery, sop, regulation
    if obj is not None:
        need.met_by_type = ContentType.objects.get_for_model(obj)
        need.met_by_id = obj.pk
    need.met_note = note[:300]
    need.met_on = on or timezone.localdate()
    need.save()
    _need_record(by, need)
    return need


# --- registers


def _money(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError):
        raise ActionRefused(_("Give the value in EUR as a number.")) from None
    if amount < 0:
        raise ActionRefused(_("A value cannot be negative."))
    return amount


@transaction.atomic
def delivery_record(
    *, by, item: str, category: str, quantity, value_eur, recipient: Agency,
    date: datetime.date, programme: str = "",
) -> EquipmentDelivery:  # fmt: skip
    if not can_manage_register(by):
        raise NotAllowed(_("Only platform staff record equipment deliveries."))
    if category not in EquipmentDelivery.Category.values:
        raise ActionRefused(_("Choose a category."))
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        raise ActionRefused(_("Give the quantity as a whole number.")) from None
    if quantity < 1:
        raise ActionRefused(_("Give the quantity as a whole number."))
    delivery = EquipmentDelivery.objects.create(
        item=required_text(item, _("Name the item delivered."))[:200], category=category,
        quantity=quantity, value_eur=_money(value_eur), recipient=recipient, date=date,
        programme=programme[:120],
    )  # fmt: skip
    audit_record(
        actor=by, action="capacity.register_changed", agency=recipient.pk,
        target=f"delivery:{delivery.pk}", details={"item": delivery.item},
    )  # fmt: skip
    return delivery


def can_edit_regulations(user, country_id: str) -> bool:
    """Staff, or editors of an agency of that country."""
    from network.permissions import agencies_with_role

    ids = agencies_with_role(user, "editor")
    if ids is None:
        return True
    return Agency.objects.filter(pk__in=ids, country_id=country_id).exists()


REGULATION_FIELDS = (
    "country_id",
    "language_id",
    "country",
    "title_original",
    "title_en",
    "language",
    "kind",
    "date",
    "status",
    "url",
)


@transaction.atomic
def regulation_save(
    *, by, regulation: Regulation | None = None, sops=None, indicators=None, **fields
) -> Regulation:
    """Add a regulation to the register, or correct one."""
    regulation = regulation or Regulation()
    for name, value in fields.items():
        if name not in REGULATION_FIELDS:
            raise ActionRefused(_("Unknown field %(name)s.") % {"name": name})
        setattr(regulation, name, value)
    if not regulation.country_id or not can_edit_regulations(by, regulation.country_id):
        raise NotAllowed(
            _("Only editors of that country's agencies, or staff, change its register.")
        )
    if not (regulation.title_original or "").strip():
        raise ActionRefused(_("Give the title in the original language."))
    if not (regulation.title_en or "").strip():
        raise ActionRefused(_("Give the title in English."))
    if regulation.kind not in Regulation.Kind.values:
        raise ActionRefused(_("Choose the type of the regulation."))
    regulation.save()
    if sops is not None:
        regulation.sops.set(sops)
    if indicators is not None:
        regulation.indicators.set(indicators)
    event_emit(
        kind="regulation.changed", actor=by, target=f"regulation:{regulation.pk}",
        payload={"regulation_id": regulation.pk, "country": regulation.country_id},
    )  # fmt: skip
    audit_record(
        actor=by, action="capacity.register_changed", target=f"regulation:{regulation.pk}",
        details={"title": regulation.title_en[:100]},
    )  # fmt: skip
    return regulation
