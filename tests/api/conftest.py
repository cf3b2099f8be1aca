"""API fixtures: an HTTP client, tokens for personas, procedures in each state."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from api.services import token_create


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


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
