"""Every role against every capacity page, API endpoint, CSV export, search and notification,
for one validated assessment (and one need) under each TLP 2.0 label of the home agency.

A TLP:RED assessment is seen by the people it names only (here: its editor and the
named reviewer), not by staff, and is not counted anywhere: not on the heat map, not in
a list's total, not in search.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pytest

from capacity import services
from capacity.models import TLP, Assessment, Indicator
from network.models import Membership
from notifications import services as follow
from notifications.models import Notification
from tests import factories
from tests.security.conftest import ROLES

EXTRA = ("partner", "named")
EVERYONE = (*ROLES, *EXTRA)
HOME = ("staff", "agency_admin", "publisher", "editor", "member")
VETTED = (*HOME, "outsider", *EXTRA)
YEARS = {TLP.CLEAR: 2021, TLP.GREEN: 2022, TLP.AMBER: 2023, TLP.AMBER_STRICT: 2024, TLP.RED: 2025}
WHO_SEES = {
    TLP.CLEAR: set(EVERYONE),
    TLP.GREEN: set(VETTED),
    TLP.AMBER: {*HOME, "partner"},
    TLP.AMBER_STRICT: set(HOME),
    TLP.RED: {"editor", "named"},
}


def secret(tlp: str) -> str:
    return f"qx{tlp.replace('_', '')}secret"


@dataclass
class Labelled:
    assessments: dict[str, Assessment]
    needs: dict[str, int]


@pytest.fixture
def partner(db):
    agency = factories.agency("partner-agency", country_code="MD", name="Border Police MD")
    return factories.expert(agency=agency, role=Membership.Role.MEMBER, username="partner").user


@pytest.fixture
def named(db):
    agency = factories.agency("named-agency", country_code="AL", name="Customs AL")
    return factories.expert(agency=agency, role=Membership.Role.PUBLISHER, username="named").user


@pytest.fixture
def persona_x(persona, request):
    def get(name: str):
        return request.getfixturevalue(name) if name in EXTRA else persona(name)

    return get


@pytest.fixture
def labelled(
    home_agency, editor, staff, partner, named, outsider, member, publisher, agency_admin,
    unvetted, django_capture_on_commit_callbacks,
) -> Labelled:  # fmt: skip
    """One validated assessment and one need per label; every vetted persona follows RS."""
    for user in (staff, agency_admin, publisher, member, outsider, partner, named):
        follow.subscription_set(by=user, target=home_agency.country)
    indicators = list(Indicator.objects.filter(retired__isnull=True))
    assessments, needs = {}, {}
    partner_agency = partner.expert.memberships.get().agency
    for tlp, year in YEARS.items():
        reviewer = named if tlp == TLP.RED else staff
        with django_capture_on_commit_callbacks(execute=True):
            a = services.assessment_start(
                by=editor, lead_agency=home_agency, year=year, tlp=tlp,
                partner_agencies=[partner_agency] if tlp == TLP.AMBER else [],
                named_people=[named] if tlp == TLP.RED else [],
                summary=f"Summary {secret(tlp)}",
            )  # fmt: skip
            for i in indicators:
                services.score_set(
                    by=editor, assessment=a, indicator=i, level=4, justification="ok"
                )
            need = services.need_add(
                by=editor, assessment=a, kind="equipment", title=f"Need {secret(tlp)}", tlp=tlp
            )
            services.assessment_submit(by=editor, assessment=a, reviewer=reviewer)
        with django_capture_on_commit_callbacks(execute=True):
            services.assessment_validate(by=reviewer, assessment=a)
        assessments[tlp], needs[tlp] = a, need.pk
    return Labelled(assessments, needs)


def _client(page_client, api_client, persona_x, role, api=False):
    from django.test import Client
    from rest_framework.test import APIClient

    from api.services import token_create

    user = persona_x(role)
    if api:
        client = APIClient()
        if user is not None:
            _t, raw = token_create(by=user, name="capacity matrix")
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _rows(response) -> str:
    return response.content.decode()


def test_each_label_reaches_exactly_its_audience(
    labelled, page_client, api_client, persona_x, staff, client_for
):
    # One set-up for every check: five validated, indexed assessments are what costs.
    for role in EVERYONE:
        _check_role(role, labelled, page_client, api_client, persona_x)
    _check_red_heat_map(labelled, staff, client_for)
    _check_notifications(labelled)


def _check_role(role, labelled, page_client, api_client, persona_x):
    pages = _client(page_client, api_client, persona_x, role)
    api = _client(page_client, api_client, persona_x, role, api=True)
    listed_api = {
        a["id"] for a in api.get("/api/v1/capacity/assessments/?page_size=100").json()["results"]
    }
    needs_api = api.get("/api/v1/capacity/needs/?page_size=100").json()
    needs_page = _rows(pages.get("/capacity/needs/"))
    needs_csv = _rows(pages.get("/capacity/needs/?format=csv"))
    country = _rows(pages.get("/capacity/countries/RS/"))
    country_csv = list(
        csv.reader(io.StringIO(_rows(pages.get("/capacity/countries/RS/?format=csv"))))
    )
    heat = api.get("/api/v1/capacity/heat-map/").json()
    for tlp, a in labelled.assessments.items():
        may = role in WHO_SEES[tlp]
        word = secret(tlp)
        where = (role, tlp)
        detail = pages.get(f"/capacity/assessments/{a.pk}/")
        assert detail.status_code == (200 if may else 404), where
        assert (word in _rows(detail)) == may, where
        export = pages.get(f"/capacity/assessments/{a.pk}/?format=csv")
        assert export.status_code == (200 if may else 404), where
        assert api.get(f"/api/v1/capacity/assessments/{a.pk}/").status_code == (
            200 if may else 404
        ), where
        assert (a.pk in listed_api) == may, where
        assert (word in needs_page) == may, where
        assert (word in needs_csv) == may, where
        assert any(word in n["title"] for n in needs_api["results"]) == may, where
        # Years on the country page and in its CSV, and on the heat map, only when visible.
        assert (f'href="/capacity/assessments/{a.pk}/"' in country) == may, where
        assert (str(YEARS[tlp]) in country_csv[0]) == may, where
        assert (YEARS[tlp] in heat["years"]) == may, where
        heat_year = pages.get(f"/capacity/?year={YEARS[tlp]}&format=csv")
        rs = [r for r in csv.reader(io.StringIO(_rows(heat_year))) if r and r[0] == "RS"]
        assert (bool(rs) and rs[0][2] == str(a.pk)) == may, where
        search = _rows(pages.get(f"/search/?q={word}"))
        assert (f"/capacity/assessments/{a.pk}/" in search) == (may and tlp != TLP.RED), where
        api_search = api.get(f"/api/v1/search/?q={word}")
        assert (f"/capacity/assessments/{a.pk}/" in _rows(api_search)) == (
            may and tlp != TLP.RED
        ), where
    # Counts: the total of the lists is the number of visible ones, RED not counted for others.
    visible = sum(1 for tlp in YEARS if role in WHO_SEES[tlp])
    assert needs_api["count"] == visible, role
    assert len(listed_api) == visible, role


def _check_red_heat_map(labelled, staff, client_for):
    """RED is invisible on the heat map even as a count, to staff too."""
    client = client_for(staff)
    html = client.get(f"/capacity/?year={YEARS[TLP.RED]}").content.decode()
    assert 'data-year="2025"' not in html
    assert 'value="2025"' not in html  # the year is not even offered
    assert "1 country assessed" in html  # the 2024 map it falls back to: AMBER+STRICT only
    export = client.get(f"/capacity/?year={YEARS[TLP.RED]}&format=csv").content.decode()
    assert str(labelled.assessments[TLP.RED].pk) not in [
        r[2] for r in csv.reader(io.StringIO(export)) if r
    ]


def _check_notifications(labelled):
    for tlp, a in labelled.assessments.items():
        got = set(
            Notification.objects.filter(
                kind="assessment.validated", link=f"/capacity/assessments/{a.pk}/"
            ).values_list("recipient__username", flat=True)
        )
        following = {"staff", "agency_admin", "publisher", "member", "outsider", "partner", "named"}
        # The reviewer who validated it does not notify themselves.
        reviewer = "named" if tlp == TLP.RED else "staff"
        assert got == (WHO_SEES[tlp] & following) - {reviewer}, (tlp, got)


def test_nobody_without_the_role_changes_an_assessment(
    labelled, page_client, api_client, persona_x, home_agency
):
    for role in ("member", "outsider", "partner", "unvetted", "anonymous"):
        _try_changes(role, labelled, page_client, api_client, persona_x, home_agency)


def _try_changes(role, labelled, page_client, api_client, persona_x, home_agency):
    draft_owner = labelled.assessments[TLP.GREEN]
    api = _client(page_client, api_client, persona_x, role, api=True)
    pages = _client(page_client, api_client, persona_x, role)
    before = list(Assessment.objects.order_by("pk").values_list("pk", "status", "summary"))
    code = Indicator.objects.first().code
    attempts = [
        api.post(
            f"/api/v1/capacity/assessments/{draft_owner.pk}/scores/",
            {"indicator": code, "level": 1},
            format="json",
        ),
        api.post(f"/api/v1/capacity/assessments/{draft_owner.pk}/validate/", {}, format="json"),
        api.post(
            f"/api/v1/capacity/assessments/{draft_owner.pk}/return/",
            {"comment": "x"},
            format="json",
        ),
        api.post(
            "/api/v1/capacity/assessments/",
            {"lead_agency": home_agency.code, "year": 2030, "tlp": "clear"},
            format="json",
        ),
        pages.post(f"/capacity/assessments/{draft_owner.pk}/validate/", {"text": "x"}),
        pages.post(
            f"/capacity/assessments/{draft_owner.pk}/needs/",
            {"kind": "legal", "title": "x", "priority": 1, "tlp": "clear"},
        ),
    ]
    for response in attempts:
        assert response.status_code in (302, 400, 401, 403, 404, 409), (role, response.status_code)
    assert list(Assessment.objects.order_by("pk").values_list("pk", "status", "summary")) == before
