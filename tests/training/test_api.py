"""The training API: the same rules as the pages, documented in the schema."""

from __future__ import annotations

import pytest
import yaml
from rest_framework.test import APIClient

from api.services import token_create
from tests import factories
from training import services
from training.models import Activity

pytestmark = pytest.mark.django_db


def as_user(user) -> APIClient:
    client = APIClient()
    _token, raw = token_create(by=user, name="test")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_organiser_creates_publishes_and_the_expert_registers(publisher, home_agency, participant):
    api = as_user(publisher)
    topic = factories.topic()
    created = api.post(
        "/api/v1/activities/",
        {
            "organiser": home_agency.code,
            "title": "Sub-regional table-top",
            "kind": "tabletop",
            "scope": "sub_regional",
            "starts": "2027-04-01",
            "ends": "2027-04-02",
            "place": "Skopje",
            "topics": [topic.slug],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["status"] == "draft"
    assert as_user(participant).get(f"/api/v1/activities/{pk}/").status_code == 404
    assert api.post(f"/api/v1/activities/{pk}/publish/").json()["status"] == "published"
    expert = as_user(participant)
    listed = expert.get("/api/v1/activities/", {"topic": topic.slug}).json()
    assert [a["id"] for a in listed["results"]] == [pk]
    assert expert.get("/api/v1/activities/", {"topic": "no-such"}).json()["results"] == []
    reg = expert.post(f"/api/v1/activities/{pk}/register/")
    assert reg.status_code == 201
    again = expert.post(f"/api/v1/activities/{pk}/register/")
    assert again.status_code == 409 and "already registered" in again.json()["error"]["message"]
    assert expert.get(f"/api/v1/activities/{pk}/registrations/").status_code == 404
    mark = api.post(
        f"/api/v1/registrations/{reg.json()['id']}/mark/", {"status": "confirmed"}, format="json"
    )
    assert mark.json()["status"] == "confirmed"
    assert api.get(f"/api/v1/activities/{pk}/registrations/").json()["count"] == 1


def test_member_cannot_create_and_nothing_changes(member, home_agency):
    response = as_user(member).post(
        "/api/v1/activities/",
        {
            "organiser": home_agency.code,
            "title": "X",
            "kind": "training",
            "scope": "national",
            "starts": "2027-04-01",
            "ends": "2027-04-01",
            "place": "Y",
        },
        format="json",
    )
    assert response.status_code == 403
    assert not Activity.objects.exists()


def test_bad_input_gets_a_reason(publisher, home_agency):
    response = as_user(publisher).post(
        "/api/v1/activities/",
        {
            "organiser": home_agency.code,
            "title": "X",
            "kind": "nope",
            "scope": "national",
            "starts": "2027-04-02",
            "ends": "2027-04-01",
        },
        format="json",
    )
    assert response.status_code == 400 and "kind" in response.content.decode()


def test_report_and_cascade(make_activity, publisher, participant, outsider, participant_agency):
    activity = make_activity(agencies=[participant_agency])
    report = services.report_save(by=publisher, activity=activity, summary="ok", final=True)
    services.observation_add(
        by=publisher, report=report, capability="Comms", kind="strength", text="Fast radio"
    )
    assert (
        as_user(participant)
        .get(f"/api/v1/activities/{activity.pk}/report/")
        .json()["observations"][0]["text"]
        == "Fast radio"
    )
    assert as_user(outsider).get(f"/api/v1/activities/{activity.pk}/report/").status_code == 404
    assert as_user(participant).get("/api/v1/cascade/").status_code == 200


def test_schema_lists_the_training_endpoints(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    for path in (
        "/api/v1/activities/",
        "/api/v1/activities/{id}/",
        "/api/v1/activities/{id}/register/",
        "/api/v1/registrations/{id}/mark/",
        "/api/v1/activities/{id}/report/",
        "/api/v1/corrective-actions/{id}/address/",
        "/api/v1/cascade/",
    ):
        assert path in schema["paths"], path


def test_a_code_with_a_nul_byte_is_a_400_not_a_server_error(publisher, home_agency):
    response = as_user(publisher).post(
        "/api/v1/activities/",
        {
            "organiser": home_agency.code,
            "title": "X",
            "kind": "training",
            "scope": "national",
            "starts": "2027-04-01",
            "ends": "2027-04-01",
            "place": "Y",
            "countries": ["R\x00S"],
        },
        format="json",
    )
    assert response.status_code == 400
