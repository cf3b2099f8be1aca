"""Scoring rules, the validation workflow and what met a need, through the services."""

from __future__ import annotations

import datetime

import pytest

from audit.models import AuditEntry
from capacity import services
from capacity.models import TLP, Assessment, EquipmentDelivery, Indicator, Need, Regulation
from events.models import Event
from frontline.errors import ActionRefused, Conflict, NotAllowed
from network.models import Membership
from network.permissions import forget_roles
from tests import factories


def test_a_level_above_none_needs_a_justification(make_assessment, editor, indicators):
    a = make_assessment(validate=False)
    with pytest.raises(ActionRefused, match="justification"):
        services.score_set(by=editor, assessment=a, indicator=indicators[0], level=3)
    services.score_set(by=editor, assessment=a, indicator=indicators[0], level=1)
    with pytest.raises(ActionRefused, match="1 to 5"):
        services.score_set(
            by=editor, assessment=a, indicator=indicators[0], level=6, justification="x"
        )


def test_submit_needs_every_indicator_scored(editor, outsider, home_agency, indicators):
    a = services.assessment_start(by=editor, lead_agency=home_agency, year=2024, tlp=TLP.GREEN)
    with pytest.raises(Conflict, match="Score every indicator"):
        services.assessment_submit(by=editor, assessment=a, reviewer=outsider)


def test_reviewer_must_come_from_another_agency(
    make_assessment, editor, publisher, outsider, staff
):
    a = make_assessment(validate=False)
    with pytest.raises(ActionRefused, match="another agency"):
        services.assessment_submit(by=editor, assessment=a, reviewer=publisher)
    services.assessment_submit(by=editor, assessment=a, reviewer=outsider)
    # Not the assessed agency's own publisher, not another member of the other agency.
    with pytest.raises(NotAllowed):
        services.assessment_validate(by=publisher, assessment=a)
    colleague = factories.expert(agency=outsider.expert.memberships.first().agency).user
    with pytest.raises(NotAllowed):
        services.assessment_validate(by=colleague, assessment=a)
    services.assessment_return(by=outsider, assessment=a, comment="Evidence for 3 is missing.")
    a.refresh_from_db()
    assert a.status == Assessment.Status.RETURNED
    assert a.comments.last().text == "Evidence for 3 is missing."
    services.assessment_submit(by=editor, assessment=a, reviewer=outsider)
    services.assessment_validate(by=staff, assessment=a)  # staff may validate too
    a.refresh_from_db()
    assert a.status == Assessment.Status.VALIDATED and a.validated_by == staff
    with pytest.raises(Conflict):
        services.score_set(by=editor, assessment=a, indicator=a.scores.first().indicator, level=1)


def test_return_needs_a_reason(make_assessment, editor, outsider):
    a = make_assessment(validate=False)
    services.assessment_submit(by=editor, assessment=a, reviewer=outsider)
    with pytest.raises(ActionRefused):
        services.assessment_return(by=outsider, assessment=a, comment="  ")


def test_validation_is_audited_and_announced(make_assessment):
    a = make_assessment()
    assert Event.objects.filter(kind="assessment.validated", target=f"assessment:{a.pk}").exists()
    assert AuditEntry.objects.filter(
        action="assessment.validated", target=f"assessment:{a.pk}"
    ).exists()


def test_next_year_starts_from_last_year(make_assessment, editor, home_agency, indicators):
    first = make_assessment(year=2024, level=2)
    second = services.assessment_start(by=editor, lead_agency=home_agency, year=2025, tlp=TLP.GREEN)
    assert second.previous == first
    assert {s.level for s in second.scores.all()} == {2}
    with pytest.raises(Conflict):
        services.assessment_start(by=editor, lead_agency=home_agency, year=2025, tlp=TLP.GREEN)


def test_members_cannot_start_an_assessment(member, home_agency):
    with pytest.raises(NotAllowed):
        services.assessment_start(by=member, lead_agency=home_agency, year=2025, tlp=TLP.GREEN)


def test_retired_indicator_keeps_past_scores(
    make_assessment, staff, editor, home_agency, indicators
):
    first = make_assessment(year=2024)
    services.indicator_retire(by=staff, indicator=indicators[0])
    assert first.scores.filter(indicator=indicators[0]).exists()
    second = services.assessment_start(by=editor, lead_agency=home_agency, year=2025, tlp=TLP.GREEN)
    assert not second.scores.filter(indicator=indicators[0]).exists()
    added = services.indicator_save(
        by=staff, code="new-one", title="New", **{f"level_{n}": f"L{n}" for n in range(1, 6)}
    )
    assert Indicator.objects.filter(pk=added.pk, retired__isnull=True).exists()
    with pytest.raises(NotAllowed):
        services.indicator_retire(by=editor, indicator=added)


def test_need_met_links_to_what_met_it(make_assessment, editor, staff, home_agency, other_agency):
    a = make_assessment()
    need = services.need_add(by=editor, assessment=a, kind=Need.Kind.EQUIPMENT, title="RT-PCR")
    assert need.tlp == a.tlp
    delivery = services.delivery_record(
        by=staff, item="RT-PCR machine", category=EquipmentDelivery.Category.RT_PCR, quantity=2,
        value_eur="48000", recipient=home_agency, date=datetime.date(2025, 5, 1), programme="P2",
    )  # fmt: skip
    elsewhere = services.delivery_record(
        by=staff, item="PPE", category="ppe", quantity=1, value_eur=1, recipient=other_agency,
        date=datetime.date(2025, 5, 1),
    )  # fmt: skip
    with pytest.raises(ActionRefused, match="another agency"):
        services.need_mark_met(by=editor, need=need, delivery=elsewhere)
    with pytest.raises(ActionRefused):
        services.need_mark_met(by=editor, need=need)
    services.need_mark_met(by=editor, need=need, delivery=delivery)
    need.refresh_from_db()
    assert need.status == Need.Status.MET and need.met_by == delivery
    law = services.regulation_save(
        by=staff, country_id="RS", title_original="Закон о здравственој заштити",
        title_en="Law on health care", kind=Regulation.Kind.LAW,
    )  # fmt: skip
    legal = services.need_add(by=editor, assessment=a, kind=Need.Kind.LEGAL, title="By-law")
    services.need_mark_met(by=editor, need=legal, regulation=law)
    legal.refresh_from_db()
    assert legal.met_by == law
    services.need_set_status(by=editor, need=legal, status=Need.Status.DROPPED)
    legal.refresh_from_db()
    assert legal.met_by is None


def test_delivery_and_register_are_for_staff(editor, outsider, home_agency):
    with pytest.raises(NotAllowed):
        services.delivery_record(
            by=editor, item="x", category="ppe", quantity=1, value_eur=1, recipient=home_agency,
            date=datetime.date(2025, 1, 1),
        )  # fmt: skip
    # Editors of that country's agencies keep its register; others may not.
    services.regulation_save(
        by=editor, country_id="RS", title_original="Уредба", title_en="Decree", kind="decree"
    )
    with pytest.raises(NotAllowed):
        services.regulation_save(
            by=outsider, country_id="RS", title_original="x", title_en="y", kind="law"
        )


def test_red_reviewer_must_be_named(editor, outsider, home_agency, indicators):
    a = services.assessment_start(by=editor, lead_agency=home_agency, year=2025, tlp=TLP.RED)
    for i in indicators:
        services.score_set(by=editor, assessment=a, indicator=i, level=1)
    with pytest.raises(ActionRefused, match="names"):
        services.assessment_submit(by=editor, assessment=a, reviewer=outsider)
    assert a.named_people.filter(pk=editor.pk).exists()


def test_removed_member_loses_drafting(make_assessment, editor):
    a = make_assessment(validate=False)
    Membership.objects.filter(expert__user=editor).update(status=Membership.Status.REMOVED)
    forget_roles(editor)
    with pytest.raises(NotAllowed):
        services.assessment_update(by=editor, assessment=a, summary="x")
