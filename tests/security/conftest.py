"""One agency-only procedure of the home agency, and every persona that may or may not see it."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from api.services import token_create
from search.reader import drop_reader
from sops import services
from sops.models import SOP, Attachment, SOPVersion
from tests import factories

SECRET_WORD = "zyxtrovirus"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
VIEWERS = ("staff", "agency_admin", "publisher", "editor", "member")
EDITORS = ("staff", "agency_admin", "publisher", "editor")
NON_VIEWERS = ("outsider", "unvetted", "anonymous")
ROLES = VIEWERS + NON_VIEWERS

_caches = itertools.count()


@dataclass
class Restricted:
    sop: SOP
    published: SOPVersion
    draft: SOPVersion
    attachment: Attachment


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"security-{next(_caches)}",
        }
    }
    settings.FRONTLINE_INDEX_DIR = tmp_path / "index"
    drop_reader()
    yield
    drop_reader()


@pytest.fixture
def restricted(home_agency, editor, publisher, django_capture_on_commit_callbacks):
    """Published 1.0 with a PDF attached, plus an open draft of 1.1; indexed for search."""
    with django_capture_on_commit_callbacks(execute=True):
        first = services.sop_create(
            agency=home_agency,
            reference="SEC-001",
            title=f"Handling {SECRET_WORD} samples",
            body=f"## Steps\n\nThe {SECRET_WORD} sample stays sealed.\n",
            language=factories.language(),
            by=editor,
            visibility=SOP.Visibility.AGENCY,
        )
        attachment = services.attachment_add(
            version=first,
            by=editor,
            uploaded=SimpleUploadedFile("sealed.pdf", PDF, "application/pdf"),
        )
        published = services.version_publish(version=first, by=publisher)
    draft = services.version_start_revision(sop=published.sop, by=editor)
    return Restricted(published.sop, published, draft, attachment)


@pytest.fixture
def persona(request):
    """``persona("outsider")`` -> that user, or None for anonymous."""

    def get(name: str):
        return None if name == "anonymous" else request.getfixturevalue(name)

    return get


@pytest.fixture
def page_client(persona):
    def make(name: str) -> Client:
        client = Client()
        user = persona(name)
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def api_client(persona):
    def make(name: str) -> APIClient:
        client = APIClient()
        user = persona(name)
        if user is not None:
            _token, raw = token_create(by=user, name="security test")
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return make
