"""The issue's story, over HTTP only: a publisher's system revises, attaches and publishes;
a follower in another agency is notified and finds the new text by search."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from search.reader import drop_reader
from tests.api.conftest import PDF
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def search_index(settings, tmp_path):
    settings.FRONTLINE_INDEX_DIR = tmp_path / "index"
    drop_reader()
    yield
    drop_reader()


def _token_over_http(username: str) -> APIClient:
    """Sign in on the site, create a token on the token page, use it as a system would."""
    browser = Client()
    signed_in = browser.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert signed_in.status_code == 302
    page = browser.post("/profile/api-tokens/", {"name": f"{username}'s system", "scope": "write"})
    raw = re.search(r"<code>(fl_[\w-]+)</code>", page.content.decode()).group(1)
    system = APIClient()
    system.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return system


def test_publish_a_revision_over_http_and_the_follower_hears_and_finds_it(
    publisher, outsider, english, django_capture_on_commit_callbacks
):
    agency_system = _token_over_http("publisher")
    follower = _token_over_http("outsider")

    with django_capture_on_commit_callbacks(execute=True):
        created = agency_system.post(
            "/api/v1/sops/",
            {
                "agency": "home-agency",
                "reference": "BIO-042",
                "title": "Suspicious parcel at the border crossing",
                "body": "## Steps\n\nIsolate the parcel.\n",
                "language": "en",
                "visibility": "network",
            },
            format="json",
        )
        assert created.status_code == 201, created.json()
        first = created.json()
        published = agency_system.post(f"/api/v1/versions/{first['id']}/publish/", {})
        assert published.json()["number"] == "1.0"
    sop_id = first["sop"]

    followed = follower.post(
        "/api/v1/follows/", {"kind": "sop", "target": str(sop_id)}, format="json"
    )
    assert followed.status_code == 201

    revision = agency_system.post(f"/api/v1/sops/{sop_id}/revisions/", {"change_kind": "major"})
    assert revision.status_code == 201
    draft_id = revision.json()["id"]
    etag = agency_system.get(f"/api/v1/versions/{draft_id}/")["ETag"]
    edited = agency_system.patch(
        f"/api/v1/versions/{draft_id}/",
        {"body": "## Steps\n\nIsolate the parcel. Call the quarantine officer.\n"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert edited.status_code == 200
    attached = agency_system.post(
        f"/api/v1/versions/{draft_id}/attachments/",
        {"file": SimpleUploadedFile("checklist.pdf", PDF, "application/pdf")},
        format="multipart",
    )
    assert attached.status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        published = agency_system.post(
            f"/api/v1/versions/{draft_id}/publish/",
            {"change_summary": "The quarantine officer is called."},
            format="json",
        )
    assert published.status_code == 200 and published.json()["number"] == "2.0"

    inbox = follower.get("/api/v1/inbox/").json()
    about = [n for n in inbox["results"] if n["sop"] == sop_id and n["kind"] == "sop.published"]
    assert len(about) == 1, inbox
    found = follower.get("/api/v1/search/", {"q": "quarantine"}).json()
    assert [hit["id"] for hit in found["results"]] == [sop_id]
    download = follower.get(attached.json()["download_url"])
    assert download.status_code == 200
