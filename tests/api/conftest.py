"""API fixtures: an HTTP client, tokens for personas, procedures in each state."""

from __future__ import annotations

import itertools

import pytest
from rest_framework.test import APIClient

from api.services import token_create
from sops import services
from sops.models import SOP
from tests import factories

_caches = itertools.count()


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Each test counts rate limits from zero, in its own in-memory cache."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"api-test-{next(_caches)}",
        }
    }


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def api_as(api):
    """``api_as(user)``: the client sends that user's new bearer token on every request."""

    def make(user):
        client = APIClient()
        if user is not None:
            _token, raw = token_create(by=user, name="test system")
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return make


@pytest.fixture
def english(db):
    return factories.language()


@pytest.fixture
def make_sop(home_agency, editor, publisher, english):
    """``make_sop(visibility=..., publish=True)``: an SOP of the home agency, 1.0 by default."""

    def make(
        reference="BIO-001", *, visibility=SOP.Visibility.NETWORK, publish=True, body=None, **extra
    ):
        draft = services.sop_create(
            agency=home_agency,
            reference=reference,
            title=extra.pop("title", "Handling a suspected biological substance"),
            body=body or "## Scope\n\nIsolate the parcel. Call the duty officer.\n",
            language=english,
            by=editor,
            visibility=visibility,
            **extra,
        )
        if publish:
            return services.version_publish(version=draft, by=publisher)
        return draft

    return make


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
