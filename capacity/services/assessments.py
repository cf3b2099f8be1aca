"""An assessment from start to validation: scores, evidence, submit, return, validate."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from capacity.models import (
    TLP,
    Assessment,
    AssessmentComment,
    Evidence,
    Indicator,
    Level,
    Score,
)
from capacity.permissions import (
    can_draft_for,
    can_edit_assessment,
    can_validate,
    is_independent_reviewer,
)
from capacity.selectors import can_see_assessment
from capacity.services.common import (
    Status,
    _check_level,
    _check_tlp,
    _check_year,
    _locked,
    _record,
    _require_editable,
)
from frontline.errors import ActionRefused, Conflict, NotAllowed, required_text
from network.models import Agency

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
