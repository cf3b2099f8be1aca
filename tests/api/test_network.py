"""Agencies and topics for anyone; experts for vetted members, contacts as each allows."""

from __future__ import annotations

from network.models import Expert
from tests import factories


def test_agencies_are_listed_and_filtered(api, home_agency, other_agency):
    data = api.get("/api/v1/agencies/").json()
    assert {a["code"] for a in data["results"]} == {"home-agency", "other-agency"}
    ua = api.get("/api/v1/agencies/", {"country": "ua"}).json()
    assert [a["code"] for a in ua["results"]] == ["other-agency"]
    assert api.get("/api/v1/agencies/", {"region": "NOPE"}).json()["count"] == 0
    detail = api.get("/api/v1/agencies/home-agency/").json()
    assert detail["acronym"] == "IPH" and detail["country"] == "RS"
    assert api.get("/api/v1/agencies/missing/").status_code == 404


def test_topics_are_listed(api, db):
    factories.topic()
    data = api.get("/api/v1/topics/").json()
    assert data == [
        {"slug": "detection-sampling", "name": "Detection and sampling", "kind": "area"}
    ]


def test_experts_are_for_vetted_members(api, api_as, member, unvetted):
    assert api.get("/api/v1/experts/").status_code == 401
    refused = api_as(unvetted).get("/api/v1/experts/")
    assert refused.status_code == 403
    assert "vetted members" in refused.json()["error"]["message"]
    names = [e["full_name"] for e in api_as(member).get("/api/v1/experts/").json()["results"]]
    assert "Expert member" in names and "Expert unvetted" not in names


def test_unvetted_expert_is_not_found(api_as, member, unvetted):
    pk = Expert.objects.get(user=unvetted).pk
    assert api_as(member).get(f"/api/v1/experts/{pk}/").status_code == 404


def test_contact_details_follow_the_experts_setting(api_as, member, outsider, home_agency):
    private = factories.expert(agency=home_agency, username="quiet", contact_visibility="agency")
    colleague = api_as(member).get(f"/api/v1/experts/{private.pk}/").json()
    stranger = api_as(outsider).get(f"/api/v1/experts/{private.pk}/").json()
    assert colleague["email"] == "quiet@example.org"
    assert stranger["email"] is None and stranger["phone"] is None
