"""Acknowledging, "reviewed, no change", what one owes, an agency's record and scheduled
effect, over the API: the same services and rules as the pages."""

from __future__ import annotations

import datetime

import yaml
from django.utils import timezone

from events.models import Event
from sops import services
from sops.models import Acknowledgement


def test_acknowledge_over_the_api_covers_the_major_revision(
    api_as, make_sop, member, editor, publisher
):
    v1 = make_sop()
    owed = api_as(member).get("/api/v1/me/acknowledgements/").json()
    assert [(o["major_number"], o["acknowledge_version"]) for o in owed] == [("1.0", v1.pk)]
    draft = services.version_start_revision(sop=v1.sop, by=editor, change_kind="minor")
    v11 = services.version_publish(version=draft, by=publisher, change_summary="Typo.")
    owed = api_as(member).get("/api/v1/me/acknowledgements/").json()
    assert [(o["major_number"], o["acknowledge_version"]) for o in owed] == [("1.0", v11.pk)]
    refused = api_as(member).post(f"/api/v1/versions/{v1.pk}/acknowledge/")
    assert refused.status_code in (400, 409) and "in force" in str(refused.json())
    done = api_as(member).post(f"/api/v1/versions/{v11.pk}/acknowledge/")
    assert done.status_code == 200 and done.json()["version"] == v11.pk
    assert api_as(member).get("/api/v1/me/acknowledgements/").json() == []
    assert Acknowledgement.objects.filter(user=member).count() == 1


def test_agency_acknowledgements_for_publishers_only(
    api_as, make_sop, member, publisher, outsider, home_agency
):
    make_sop()
    url = f"/api/v1/agencies/{home_agency.code}/acknowledgements/"
    rows = api_as(publisher).get(url).json()
    assert rows[0]["major"] == "1.0"
    assert member.username in [p["user"] for p in rows[0]["pending"]]
    assert api_as(member).get(url).status_code == 403
    assert api_as(outsider).get(url).status_code == 403
    assert api_as(None).get(url).status_code in (401, 403)


def test_publish_with_a_later_date_and_days_to_acknowledge(api_as, make_sop, editor, publisher):
    v1 = make_sop()
    later = timezone.localdate() + datetime.timedelta(days=10)
    draft = services.version_start_revision(sop=v1.sop, by=editor, change_kind="major")
    services.version_update(
        version=draft, by=editor, expected_edit_count=None, effective_date=later
    )
    bad = api_as(publisher).post(
        f"/api/v1/versions/{draft.pk}/publish/",
        {"change_summary": "New", "acknowledge_days": 0},
        format="json",
    )
    assert bad.status_code == 400
    response = api_as(publisher).post(
        f"/api/v1/versions/{draft.pk}/publish/",
        {"change_summary": "New", "acknowledge_days": 30},
        format="json",
    )
    data = response.json()
    assert data["status"] == "scheduled"
    assert data["acknowledge_by"] == (later + datetime.timedelta(days=30)).isoformat()
    sop = api_as(publisher).get(f"/api/v1/sops/{v1.sop_id}/").json()
    assert (sop["in_force"]["number"], sop["upcoming"]["number"]) == ("1.0", "2.0")


def test_reviewed_no_change_over_the_api(api_as, make_sop, publisher, member):
    v1 = make_sop()
    nxt = (timezone.localdate() + datetime.timedelta(days=365)).isoformat()
    assert (
        api_as(member)
        .post(f"/api/v1/versions/{v1.pk}/reviewed/", {"next_review": nxt}, format="json")
        .status_code
        == 403
    )
    response = api_as(publisher).post(
        f"/api/v1/versions/{v1.pk}/reviewed/", {"next_review": nxt}, format="json"
    )
    assert response.status_code == 200 and response.json()["review_due"] == nxt
    assert Event.objects.filter(kind="sop.reviewed").count() == 1


def test_schema_lists_the_compliance_endpoints(api, db):
    schema = yaml.safe_load(
        api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi").content
    )
    for path in (
        "/api/v1/versions/{id}/acknowledge/",
        "/api/v1/versions/{id}/reviewed/",
        "/api/v1/me/acknowledgements/",
        "/api/v1/agencies/{code}/acknowledgements/",
    ):
        assert path in schema["paths"]
    publish = schema["components"]["schemas"]["PublishRequest"]["properties"]
    assert "acknowledge_days" in publish
