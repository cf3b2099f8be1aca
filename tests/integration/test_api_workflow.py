"""The API story on real parts, over HTTP only: daphne serving the app, a Celery worker,
PostgreSQL and Redis. A publisher's system revises, attaches and publishes with a token it
created on the token page; a follower in another agency is notified and finds it by search."""

from __future__ import annotations

import uuid

import pytest

from search.reader import drop_reader
from tests.factories import PASSWORD, language
from tests.http_client import signed_in_system
from tests.waiting import wait_for

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _multipart(name: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.fixture
def private_index(settings, tmp_path):
    settings.FRONTLINE_INDEX_DIR = tmp_path / "index"
    drop_reader()
    yield
    drop_reader()


def test_api_workflow_on_real_services(
    private_index, daphne_server, running_worker, publisher, outsider, settings
):
    # The server process hashes with Django's defaults, not the tests' fast MD5.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    for user in (publisher, outsider):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    language()
    # One system account drafts and publishes here, so its agency has turned four eyes
    # off (the server process runs with the project default: on).
    from sops.models import AgencyPolicy

    AgencyPolicy.objects.create(agency=publisher.expert.memberships.get().agency, four_eyes=False)
    agency_system = signed_in_system(daphne_server, "publisher", PASSWORD)
    follower = signed_in_system(daphne_server, "outsider", PASSWORD)

    status, _h, first = agency_system.json(
        "POST",
        "/api/v1/sops/",
        {
            "agency": "home-agency",
            "reference": "BIO-042",
            "title": "Suspicious parcel at the border crossing",
            "body": "## Steps\n\nIsolate the parcel.\n",
            "language": "en",
        },
    )
    assert status == 201, first
    sop_id = first["sop"]
    status, _h, body = agency_system.json("POST", f"/api/v1/versions/{first['id']}/publish/", {})
    assert status == 200, body

    status, _h, body = follower.json(
        "POST", "/api/v1/follows/", {"kind": "sop", "target": str(sop_id)}
    )
    assert status == 201, body

    status, _h, draft = agency_system.json(
        "POST", f"/api/v1/sops/{sop_id}/revisions/", {"change_kind": "major"}
    )
    assert status == 201, draft
    _s, headers, _b = agency_system.json("GET", f"/api/v1/versions/{draft['id']}/")
    status, _h, body = agency_system.json(
        "PATCH",
        f"/api/v1/versions/{draft['id']}/",
        {"body": "## Steps\n\nIsolate the parcel. Call the quarantine officer.\n"},
        headers={"If-Match": headers["ETag"]},
    )
    assert status == 200, body
    upload, content_type = _multipart("checklist.pdf", PDF)
    status, _h, raw = agency_system.call(
        "POST", f"/api/v1/versions/{draft['id']}/attachments/", upload, content_type=content_type
    )
    assert status == 201, raw
    status, _h, body = agency_system.json(
        "POST",
        f"/api/v1/versions/{draft['id']}/publish/",
        {"change_summary": "The quarantine officer is called."},
    )
    assert status == 200 and body["number"] == "2.0", body

    def notified():
        _s, _h, inbox = follower.json("GET", "/api/v1/inbox/")
        # (The first version may notify too, if its fan-out ran after the follow.)
        return [n for n in inbox["results"] if n["link"].endswith(f"/versions/{draft['id']}/")]

    assert len(wait_for(notified, timeout=30, what="the follower's notification")) == 1

    def found():
        _s, _h, results = follower.json("GET", "/api/v1/search/?q=quarantine")
        return [hit["id"] for hit in results["results"]]

    try:
        assert wait_for(found, timeout=30, what="the new text in search") == [sop_id]
    except BaseException:
        print(running_worker.log()[-5000:])  # what the worker indexed, for the failure report
        raise
