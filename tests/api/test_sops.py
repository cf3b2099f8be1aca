"""Reading procedures over the API: lists, filters, paging, versions, diffs, visibility."""

from __future__ import annotations

from sops import services
from sops.models import SOP


def test_anonymous_sees_public_sops_only(api, make_sop):
    make_sop("PUB-1", visibility=SOP.Visibility.PUBLIC)
    make_sop("NET-1", visibility=SOP.Visibility.NETWORK)
    make_sop("AGY-1", visibility=SOP.Visibility.AGENCY)
    data = api.get("/api/v1/sops/").json()
    assert [row["reference"] for row in data["results"]] == ["PUB-1"]
    assert data["count"] == 1


def test_member_list_is_filtered_and_paged(api_as, member, make_sop):
    for n in range(5):
        make_sop(f"BIO-{n:03}", visibility=SOP.Visibility.AGENCY)
    make_sop("CHEM-1", title="Chemical spill at the crossing")
    client = api_as(member)
    page = client.get("/api/v1/sops/", {"page_size": 2}).json()
    assert page["count"] == 6 and len(page["results"]) == 2 and page["next"]
    second = client.get(page["next"]).json()
    assert [r["reference"] for r in second["results"]] == ["BIO-002", "BIO-003"]
    found = client.get("/api/v1/sops/", {"q": "chemical"}).json()
    assert [r["reference"] for r in found["results"]] == ["CHEM-1"]
    agency = client.get("/api/v1/sops/", {"agency": "home-agency", "status": "published"}).json()
    assert agency["count"] == 6
    assert client.get("/api/v1/sops/", {"agency": "nowhere"}).json()["count"] == 0


def test_bad_filter_is_a_400_with_fields(api):
    response = api.get("/api/v1/sops/", {"status": "sideways"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400 and "status" in error["fields"]


def test_detail_has_current_version_and_readable_versions(api_as, member, make_sop, editor):
    published = make_sop(visibility=SOP.Visibility.PUBLIC)
    services.version_start_revision(sop=published.sop, by=editor)
    data = api_as(member).get(f"/api/v1/sops/{published.sop_id}/").json()
    assert data["current_version"]["number"] == "1.0"
    assert [v["status"] for v in data["versions"]] == ["published"]
    editors_view = api_as(editor).get(f"/api/v1/sops/{published.sop_id}/").json()
    assert sorted(v["status"] for v in editors_view["versions"]) == ["draft", "published"]


def test_version_has_raw_markdown_and_sanitised_html(api, make_sop):
    body = "## Scope\n\nIsolate <script>alert(1)</script> the parcel.\n"
    version = make_sop(visibility=SOP.Visibility.PUBLIC, body=body)
    response = api.get(f"/api/v1/versions/{version.pk}/")
    data = response.json()
    assert data["body"] == body
    assert '<h2 id="scope">Scope</h2>' in data["html"]
    assert "<script" not in data["html"]
    assert response["ETag"] == f'"{version.pk}-{version.edit_count}"' == data["etag"]


def test_diff_between_two_versions(api, make_sop, editor, publisher):
    first = make_sop(visibility=SOP.Visibility.PUBLIC, body="Call the duty officer.")
    draft = services.version_start_revision(sop=first.sop, by=editor)
    draft = services.version_update(
        version=draft, by=editor, expected_edit_count=0, body="Call the shift supervisor."
    )
    second = services.version_publish(version=draft, by=publisher, change_summary="Who to call")
    response = api.get(f"/api/v1/sops/{first.sop_id}/diff/", {"old": first.pk, "new": second.pk})
    data = response.json()
    assert response.status_code == 200
    assert "<del>duty officer</del>" in data["inline"] or "<del>duty</del>" in data["inline"]
    assert data["added"] >= 2 and data["removed"] >= 2


def test_agency_only_sop_is_404_for_outsider_everywhere(api_as, outsider, make_sop):
    version = make_sop(visibility=SOP.Visibility.AGENCY)
    client = api_as(outsider)
    for url in (
        f"/api/v1/sops/{version.sop_id}/",
        f"/api/v1/sops/{version.sop_id}/versions/",
        f"/api/v1/versions/{version.pk}/",
        f"/api/v1/versions/{version.pk}/attachments/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["error"]["status"] == 404
    assert client.get("/api/v1/sops/").json()["count"] == 0


def test_partner_agency_sees_agency_only_sop(api_as, outsider, other_agency, make_sop):
    version = make_sop(visibility=SOP.Visibility.AGENCY, partner_agencies=[other_agency])
    assert api_as(outsider).get(f"/api/v1/versions/{version.pk}/").status_code == 200


def test_drafts_are_for_the_agencys_editors(api_as, member, editor, make_sop):
    draft = make_sop(publish=False)
    assert api_as(member).get(f"/api/v1/versions/{draft.pk}/").status_code == 404
    assert api_as(member).get(f"/api/v1/sops/{draft.sop_id}/").status_code == 404
    assert api_as(editor).get(f"/api/v1/versions/{draft.pk}/").status_code == 200


def test_unknown_api_path_answers_the_json_error(api):
    response = api.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "There is no such API endpoint."
