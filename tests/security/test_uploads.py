"""Uploads through the API are judged by their bytes and size, never by name or declared type."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sops.models import Attachment
from tests.security.conftest import PDF


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


DISGUISED = [
    ("report.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
    ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "image/png"),
    ("tool.pdf", b"MZ\x90\x00\x03\x00\x00\x00 a Windows program", "application/pdf"),
    ("notes.docx", _zip(["evil.sh"]), "application/vnd.openxmlformats"),
    ("empty.pdf", b"", "application/pdf"),
]


@pytest.mark.parametrize(("name", "content", "declared"), DISGUISED)
def test_disguised_files_are_refused(api_client, restricted, name, content, declared, settings):
    response = api_client("editor").post(
        f"/api/v1/versions/{restricted.draft.pk}/attachments/",
        {"file": SimpleUploadedFile(name, content, declared)},
        format="multipart",
    )
    assert response.status_code == 400, response.json()
    assert response.json()["error"]["status"] == 400
    assert not Attachment.objects.filter(version=restricted.draft).exists()
    stored = settings.MEDIA_ROOT / "sops" / str(restricted.sop.pk) / str(restricted.draft.pk)
    assert not stored.exists() or not any(stored.iterdir())


def test_files_over_the_limit_are_refused(api_client, restricted, settings):
    settings.FRONTLINE_MAX_UPLOAD_BYTES = 64 * 1024
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (128 * 1024), "application/pdf")
    response = api_client("editor").post(
        f"/api/v1/versions/{restricted.draft.pk}/attachments/", {"file": big}, format="multipart"
    )
    assert response.status_code == 400
    assert "limit" in response.json()["error"]["message"]
    assert not Attachment.objects.filter(version=restricted.draft).exists()


def test_a_real_docx_is_accepted_and_served_as_a_download(api_client, restricted):
    docx = _zip(["[Content_Types].xml", "word/document.xml"])
    client = api_client("editor")
    response = client.post(
        f"/api/v1/versions/{restricted.draft.pk}/attachments/",
        {"file": SimpleUploadedFile("plan.docx", docx, "application/octet-stream")},
        format="multipart",
    )
    assert response.status_code == 201
    assert response.json()["content_type"].endswith("wordprocessingml.document")
    download = client.get(response.json()["download_url"])
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
