"""The API story on real parts, over HTTP only: daphne serving the app, a Celery worker,
PostgreSQL and Redis. A publisher's system revises, attaches and publishes with a token it
created on the token page; a follower in another agency is notified and finds it by search."""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.request
import uuid

import pytest

from search.reader import drop_reader
from tests.factories import PASSWORD, language
from tests.waiting import wait_for

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Http:
    """A tiny client: cookies for the pages, a bearer token for the API."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.token = ""

    def call(self, method, path, body=None, headers=None, content_type=None):
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if isinstance(body, dict) and content_type is None:
            body, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        elif content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.base + path, body, headers, method=method)
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def json(self, method, path, body=None, headers=None):
        status, response_headers, raw = self.call(method, path, body, headers)
        return status, response_headers, json.loads(raw or b"null")

    def form(self, path: str, fields: dict) -> str:
        """GET a page for its CSRF token, then POST the form as a browser would."""
        _status, _headers, page = self.call("GET", path)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        _status, _headers, raw = self.call(
            "POST",
            path,
            data,
            headers={"Referer": self.base + path},
            content_type="application/x-www-form-urlencoded",
        )
        return raw.decode()


def _system_for(base: str, username: str) -> Http:
    client = Http(base)
    client.form("/accounts/login/", {"username": username, "password": PASSWORD})
    page = client.form("/profile/api-tokens/", {"name": f"{username}'s system"})
    found = re.search(r"<code>(fl_[\w-]+)</code>", page)
    assert found, page[:3000]
    client.token = found.group(1)
    client.cookies.clear()  # from here on, only the token speaks
    return client


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
    agency_system = _system_for(daphne_server, "publisher")
    follower = _system_for(daphne_server, "outsider")

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
