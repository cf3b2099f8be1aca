"""Following, the inbox and search over the API, through the notifications and search apps."""

from __future__ import annotations

import pytest

from notifications.models import Subscription
from search.reader import drop_reader
from sops.models import SOP


@pytest.fixture(autouse=True)
def search_index(settings, tmp_path):
    settings.FRONTLINE_INDEX_DIR = tmp_path / "index"
    drop_reader()
    yield
    drop_reader()


def test_follow_list_and_unfollow(api_as, outsider, make_sop, home_agency):
    version = make_sop()
    client = api_as(outsider)
    created = client.post(
        "/api/v1/follows/",
        {"kind": "sop", "target": str(version.sop_id), "level": "major"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    agency = client.post(
        "/api/v1/follows/", {"kind": "agency", "target": home_agency.code}, format="json"
    )
    assert agency.json()["target"] == "home-agency"
    listed = client.get("/api/v1/follows/").json()
    assert {(s["kind"], s["target"]) for s in listed} == {
        ("sop", str(version.sop_id)),
        ("agency", "home-agency"),
    }
    assert client.delete(f"/api/v1/follows/{created.json()['id']}/").status_code == 204
    assert Subscription.objects.filter(user=outsider).count() == 1


def test_cannot_follow_what_one_may_not_see(api_as, outsider, make_sop):
    version = make_sop(visibility=SOP.Visibility.AGENCY)
    response = api_as(outsider).post(
        "/api/v1/follows/", {"kind": "sop", "target": str(version.sop_id)}, format="json"
    )
    assert response.status_code == 404
    assert not Subscription.objects.exists()


def test_unvetted_cannot_follow(api_as, unvetted, home_agency):
    response = api_as(unvetted).post(
        "/api/v1/follows/", {"kind": "agency", "target": home_agency.code}, format="json"
    )
    assert response.status_code == 403
    assert "vetted" in response.json()["error"]["message"]


def test_unfollowing_someone_elses_subscription_is_404(api_as, outsider, member, home_agency):
    theirs = api_as(outsider).post(
        "/api/v1/follows/", {"kind": "agency", "target": home_agency.code}, format="json"
    )
    response = api_as(member).delete(f"/api/v1/follows/{theirs.json()['id']}/")
    assert response.status_code == 404
    assert Subscription.objects.count() == 1


def test_inbox_lists_and_marks_read(api_as, member, make_sop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_sop(visibility=SOP.Visibility.AGENCY)
    client = api_as(member)
    inbox = client.get("/api/v1/inbox/").json()
    assert inbox["count"] == 1
    first = inbox["results"][0]
    assert first["kind"] == "sop.published" and first["read"] is None
    marked = client.post(f"/api/v1/inbox/{first['id']}/read/")
    assert marked.json()["read"] is not None
    assert client.get("/api/v1/inbox/", {"unread": "true"}).json()["count"] == 0
    assert client.post("/api/v1/inbox/read-all/").json() == {"marked": 0}


def test_someone_elses_notification_is_404(
    api_as, member, editor, make_sop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_sop()
    mine = api_as(member).get("/api/v1/inbox/").json()["results"][0]["id"]
    assert api_as(editor).post(f"/api/v1/inbox/{mine}/read/").status_code == 404


def test_search_finds_only_what_the_caller_may_see(
    api, api_as, outsider, member, make_sop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_sop("PUB-1", visibility=SOP.Visibility.PUBLIC, title="Anthrax letter at customs")
        make_sop("AGY-1", visibility=SOP.Visibility.AGENCY, title="Anthrax sample transport")
    public = api.get("/api/v1/search/", {"q": "anthrax"}).json()
    assert [r["reference"] for r in public["results"]] == ["PUB-1"]
    assert public["total"] == 1
    assert api_as(outsider).get("/api/v1/search/", {"q": "anthrax"}).json()["total"] == 1
    assert api_as(member).get("/api/v1/search/", {"q": "anthrax"}).json()["total"] == 2
    bad = api.get("/api/v1/search/", {"page": 0})
    assert bad.status_code == 400 and "page" in bad.json()["error"]["fields"]
