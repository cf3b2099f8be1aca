"""Issue 17 finding 10 (headers and sizes): a strict Content-Security-Policy on every
response, personal responses never cached, and request bodies capped before they are read."""

from __future__ import annotations

import http.client
import json
import socket
from urllib.parse import urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sops.models import SOP, Attachment
from tests.security.conftest import PDF

STRICT = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
}


def _directives(response) -> set[str]:
    return {part.strip() for part in response["Content-Security-Policy"].split(";")}


@pytest.mark.parametrize(
    "path", ["/", "/sops/", "/agencies/", "/accounts/login/", "/api/v1/sops/", "/api/docs/"]
)
def test_every_response_carries_the_strict_policy(page_client, restricted, path):
    for who in ("anonymous", "member"):
        response = page_client(who).get(path)
        assert response.status_code == 200
        policy = _directives(response)
        assert STRICT <= policy, policy
        assert not any("unsafe" in part for part in policy)


def test_signed_in_pages_are_not_stored_by_any_cache(page_client, restricted):
    client = page_client("member")
    for path in ("/", f"/sops/{restricted.sop.pk}/", "/sops/", "/notifications/", "/profile/"):
        response = client.get(path)
        assert response.status_code == 200, path
        cache = response["Cache-Control"]
        assert "no-store" in cache and "private" in cache, (path, cache)


def test_api_responses_to_a_token_are_not_stored(api_client, restricted):
    response = api_client("member").get(f"/api/v1/sops/{restricted.sop.pk}/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_restricted_attachment_downloads_are_not_stored(page_client, api_client, restricted):
    page = page_client("member").get(f"/sops/attachments/{restricted.attachment.pk}/")
    assert "no-store" in page["Cache-Control"]
    api = api_client("member").get(f"/api/v1/attachments/{restricted.attachment.pk}/download/")
    assert "no-store" in api["Cache-Control"]


def test_public_anonymous_pages_stay_cacheable(page_client, restricted, make_sop):
    public = make_sop("PUB-1", visibility=SOP.Visibility.PUBLIC)
    client = page_client("anonymous")
    for path in ("/", "/sops/", f"/sops/{public.sop_id}/", "/api/v1/sops/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" not in response.get("Cache-Control", ""), path


def test_public_attachment_served_anonymously_stays_cacheable(
    page_client, editor, publisher, make_sop
):
    from sops import services

    draft = make_sop("PUB-2", visibility=SOP.Visibility.PUBLIC, publish=False)
    services.attachment_add(
        version=draft, by=editor, uploaded=SimpleUploadedFile("a.pdf", PDF, "application/pdf")
    )
    services.version_publish(version=draft, by=publisher)
    attachment = Attachment.objects.get(version=draft)
    response = page_client("anonymous").get(f"/sops/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


# The size cap, through the real ASGI server ------------------------------------------------


def _raw_post(base_url: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, str]:
    """Send exactly these headers and bytes; read the answer."""
    url = urlparse(base_url)
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        lines = [f"POST {path} HTTP/1.1", f"Host: {url.hostname}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, response.read().decode()


@pytest.mark.integration
def test_oversize_bodies_are_refused_before_django_reads_them(daphne_server):
    """Content-Length decides before Django spools or parses the body (daphne itself
    buffers a body to a temporary file before any app sees it: the proxy's cap in the
    production checklist stops it earlier). 413 with a message; JSON under /api/."""
    upload = (
        b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n'
        + PDF
        + b"0" * (12 * 1024 * 1024)
        + b"\r\n--x--\r\n"
    )
    status, text = _raw_post(
        daphne_server,
        "/api/v1/versions/1/attachments/",
        {"Content-Type": "multipart/form-data; boundary=x", "Content-Length": str(len(upload))},
        upload,
    )
    assert status == 413, text[:300]
    assert json.loads(text)["error"] == {
        "status": 413,
        "message": "The request is too large: the limit is 11 MB.",
        "fields": {},
    }
    form = b"body=" + b"x" * (4 * 1024 * 1024)
    status, text = _raw_post(
        daphne_server,
        "/sops/preview/",
        {"Content-Type": "application/x-www-form-urlencoded", "Content-Length": str(len(form))},
        form,
    )
    assert status == 413 and text == "The request is too large: the limit is 3 MB."


@pytest.mark.integration
def test_a_body_under_the_cap_still_reaches_the_app(daphne_server):
    status, _ = _raw_post(
        daphne_server,
        "/api/v1/sops/",
        {"Content-Type": "application/json", "Content-Length": "2"},
        b"{}",
    )
    assert status == 401  # the API's own answer to an anonymous write: the body got through
