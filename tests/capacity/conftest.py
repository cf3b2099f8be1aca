"""Capacity fixtures: the home agency (RS) assesses itself; the outsider (UA) reviews."""

from __future__ import annotations

import pytest

from capacity import services
from capacity.models import TLP, Assessment, Indicator


@pytest.fixture
def indicators(db):
    return list(Indicator.objects.filter(retired__isnull=True))


@pytest.fixture
def make_assessment(editor, outsider, indicators, home_agency):
    """``make_assessment(tlp=..., year=..., level=3, validate=True)`` through the services."""

    def make(
        *,
        tlp=TLP.GREEN,
        year=2025,
        level=3,
        levels=None,
        validate=True,
        by=None,
        reviewer=None,
        agency=None,
        scope=Assessment.Scope.AGENCY,
        named_people=(),
        partner_agencies=(),
    ):
        by = by or editor
        reviewer = reviewer or outsider
        a = services.assessment_start(
            by=by,
            lead_agency=agency or home_agency,
            year=year,
            tlp=tlp,
            scope=scope,
            named_people=[*named_people, reviewer] if tlp == TLP.RED else named_people,
            partner_agencies=partner_agencies,
        )
        for i, indicator in enumerate(indicators):
            value = levels[i] if levels else level
            services.score_set(
                by=by, assessment=a, indicator=indicator, level=value, justification="Seen on site."
            )
        if validate:
            services.assessment_submit(by=by, assessment=a, reviewer=reviewer)
            services.assessment_validate(by=reviewer, assessment=a, comment="Checked.")
        a.refresh_from_db()
        return a

    return make
