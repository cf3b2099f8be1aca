"""The capacity pages: the SVG heat map's values and labels, CSV exports read back, the
country page, and query counts that do not grow with the data."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse

from capacity import services
from capacity.models import TLP
from tests import factories


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_heat_map_svg_shows_levels_and_labels(client, make_assessment, indicators):
    levels = [1, 2, 3, 4, 5, 1, 2, 3, 4][: len(indicators)]
    make_assessment(levels=levels, tlp=TLP.CLEAR)
    page = client.get("/capacity/")
    assert page.status_code == 200
    html = page.content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    cells = re.findall(
        r'<g class="cell" data-country="RS" data-indicator="([^"]+)" data-level="(\d*)"', svg
    )
    assert [(code, int(level)) for code, level in cells] == [
        (i.code, v) for i, v in zip(indicators, levels, strict=True)
    ]
    assert ">Serbia</text>" in svg
    assert f"Serbia · {indicators[0].title}: No capacity" in svg
    assert 'data-year="2025"' in svg
    # The accessible table beside it says the same.
    assert 'data-testid="heat-table"' in html and 'data-country="RS"' in html


def test_heat_map_csv_reads_back(client, make_assessment, indicators):
    a = make_assessment(level=4, tlp=TLP.CLEAR)
    rows = _csv(client.get("/capacity/?format=csv"))
    assert rows[0][:3] == ["country_code", "country", "assessment_id"]
    assert rows[0][3:] == [i.code for i in indicators]
    serbia = next(r for r in rows if r[0] == "RS")
    assert serbia[2] == str(a.pk) and set(serbia[3:]) == {"4"}


def test_assessment_shows_the_change_from_last_year(
    client_for, make_assessment, member, editor, home_agency, indicators
):
    make_assessment(year=2024, level=2)
    second = services.assessment_start(by=editor, lead_agency=home_agency, year=2025, tlp=TLP.GREEN)
    services.score_set(
        by=editor, assessment=second, indicator=indicators[0], level=4, justification="New lab."
    )
    page = client_for(member).get(f"/capacity/assessments/{second.pk}/")
    assert page.status_code == 200
    assert b'class="change-up">+2<' in page.content
    rows = _csv(client_for(member).get(f"/capacity/assessments/{second.pk}/?format=csv"))
    assert rows[1][:4] == [indicators[0].code, indicators[0].title, "4", "2"]


def test_other_csv_exports_read_back(client, staff, make_assessment, editor, home_agency):
    a = make_assessment(tlp=TLP.CLEAR)
    services.need_add(
        by=editor, assessment=a, kind="training", title="Sampling course", tlp=TLP.CLEAR
    )
    services.delivery_record(
        by=staff, item="Isolator", category="isolator", quantity=1, value_eur="12500.50",
        recipient=home_agency, date=datetime.date(2025, 3, 1), programme="P2",
    )  # fmt: skip
    services.regulation_save(
        by=staff, country_id="RS", title_original="Закон о граничној контроли",
        title_en="Law on border control", kind="law", date=datetime.date(2018, 1, 1),
    )  # fmt: skip
    needs = _csv(client.get("/capacity/needs/?format=csv"))
    assert needs[1][4] == "Sampling course" and needs[1][7] == "TLP:CLEAR"
    equipment = _csv(client.get("/capacity/equipment/?format=csv"))
    assert equipment[1][3] == "Isolator" and equipment[1][6] == "12500.50"
    totals = _csv(client.get("/capacity/equipment/?by=category&format=totals.csv"))
    assert totals[1][1:] == ["1", "1", "12500.50"]
    regs = _csv(client.get("/capacity/regulations/?format=csv"))
    assert regs[1][1] == "Закон о граничној контроли"
    history = _csv(client.get("/capacity/countries/RS/?format=csv"))
    assert history[0] == ["indicator_code", "indicator", "2025"]


def _data(make_assessment, count: int, staff, home_agency, editor):
    """``count`` countries, each with two validated years."""
    for n in range(count):
        agency = home_agency if n == 0 else factories.agency(country_code=f"Q{n}")
        if n:
            factories.expert(agency=agency, role="editor", username=f"ed{n}-{agency.pk}")
        by = editor if n == 0 else agency.memberships.first().expert.user
        for year in (2024, 2025):
            make_assessment(year=year, agency=agency, by=by, tlp=TLP.GREEN)


def test_heat_map_and_country_queries_do_not_grow(
    client_for, django_assert_max_num_queries, make_assessment, staff, member, home_agency, editor
):
    _data(make_assessment, 1, staff, home_agency, editor)
    client = client_for(member)
    client.get("/capacity/")  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small_map:
        client.get("/capacity/")
    with CaptureQueriesContext(connection) as small_country:
        client.get("/capacity/countries/RS/")
    _data_more = [factories.agency(country_code=f"Z{n}") for n in range(3)]
    for n, agency in enumerate(_data_more):
        factories.expert(agency=agency, role="editor", username=f"zed{n}")
        for year in (2023, 2024, 2025):
            make_assessment(year=year, agency=agency, by=agency.memberships.first().expert.user)
    with django_assert_max_num_queries(len(small_map)):
        assert client.get("/capacity/").status_code == 200
    with django_assert_max_num_queries(len(small_country)):
        assert client.get("/capacity/countries/RS/").status_code == 200


def test_evidence_is_linked_and_shown_only_as_far_as_the_reader_may_see(
    client_for, make_assessment, make_sop, editor, outsider, member, indicators
):
    from sops.models import SOP

    sop = make_sop("SEC-9", visibility=SOP.Visibility.AGENCY).sop
    a = make_assessment(validate=False)
    client = client_for(editor)
    indicator = indicators[0]
    for data in (
        {"indicator": indicator.pk, "kind": "sop", "sop": sop.pk, "label": "Sealed-sample SOP"},
        {
            "indicator": indicator.pk,
            "kind": "url",
            "url": "https://example.org/report.pdf",
            "label": "Mission report",
        },
    ):
        assert client.post(f"/capacity/assessments/{a.pk}/evidence/", data).status_code == 302
    bad = client.post(
        f"/capacity/assessments/{a.pk}/evidence/",
        {"indicator": indicator.pk, "kind": "url", "url": ""},
        follow=True,
    )
    assert "https://" in bad.content.decode()
    assert a.scores.get(indicator=indicator).evidence.count() == 2
    from capacity import services

    services.assessment_submit(by=editor, assessment=a, reviewer=outsider)
    services.assessment_validate(by=outsider, assessment=a)
    mine = client_for(member).get(f"/capacity/assessments/{a.pk}/").content.decode()
    assert "Sealed-sample SOP" in mine and "Mission report" in mine
    theirs = client_for(outsider).get(f"/capacity/assessments/{a.pk}/").content.decode()
    assert "Sealed-sample SOP" not in theirs and "Mission report" in theirs


@pytest.mark.parametrize(
    "persona, starts", [("member", False), ("editor", True), ("outsider", True), ("staff", True)]
)
def test_the_new_assessment_link_shows_to_exactly_those_the_start_page_lets_in(
    request, client_for, indicators, persona, starts
):
    client = client_for(request.getfixturevalue(persona))
    start = reverse("capacity:assessment_start")
    linked = f'href="{start}"' in client.get("/capacity/").content.decode()
    assert linked is starts
    assert client.get(start).status_code == (200 if starts else 403)
