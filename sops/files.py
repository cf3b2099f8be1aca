"""What an uploaded file really is, judged by its first bytes, never by its name."""

from __future__ import annotations

import hashlib
import zipfile

from django.http import FileResponse
from django.utils.cache import patch_cache_control

ALLOWED = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}


def sniff_content_type(fileobj) -> str | None:
    """Return the content type of an allowed kind, or None for anything else."""
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(fileobj) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            fileobj.seek(0)
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def sha256_of(fileobj) -> str:
    digest = hashlib.sha256()
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(1 << 16), b""):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


def download_name(name: str, content_type: str) -> str:
    """``name`` ending in the detected type's extension: a PDF uploaded as ``procedure.hta``
    is stored and served as ``procedure.pdf``, so no browser or desktop opens it as
    something else. Path parts and control characters are dropped."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    stem = base.rsplit(".", 1)[0].strip() if "." in base else base
    return f"{stem[:80] or 'file'}{ALLOWED[content_type]}"


def attachment_response(attachment) -> FileResponse:
    """The download of a stored attachment (pages and API): always a download, under a name
    with its real type's extension, never sniffed; FileNotFoundError if the file is gone."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=download_name(attachment.name, attachment.content_type),
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    if attachment.version.sop.visibility != "public":  # no cache may keep a restricted file
        patch_cache_control(response, private=True, no_store=True)
    return response
