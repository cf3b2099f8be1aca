"""Schemathesis against the live OpenAPI schema, in-process: no 500s, responses match it.

A bounded number of examples per operation keeps the run short in CI.
"""

from __future__ import annotations

import itertools

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from api.services import token_create
from search.reader import drop_reader
from sops import services
from sops.models import SOP
from tests import factories

_caches = itertools.count()


@pytest.fixture
def api_schema(db, settings, tmp_path, home_agency, publisher, editor):
    """Some data to find, a high rate limit, and the app answering in this test's transaction."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"schemathesis-{next(_caches)}",
        }
    }
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"},
    }
    settings.FRONTLINE_INDEX_DIR = tmp_path / "index"
    drop_reader()
    english = factories.language()
    factories.topic()
    draft = services.sop_create(
        agency=home_agency,
        reference="BIO-1",
        title="Parcel",
        body="## Steps\n\nIsolate it.",
        language=english,
        by=editor,
        visibility=SOP.Visibility.PUBLIC,
    )
    services.version_publish(version=draft, by=publisher)
    # As Django's test client does: keep the test's connection (and its transaction) open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    drop_reader()


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def bearer(publisher):
    _token, raw = token_create(by=publisher, name="schemathesis")
    return {"Authorization": f"Bearer {raw}"}


@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(case, bearer):
    case.call_and_validate(
        # Responses are gzipped for clients that ask (GZipMiddleware); the WSGI transport
        # asks but does not decompress.
        headers={**bearer, "Accept-Encoding": "identity"},
        checks=[not_a_server_error, response_schema_conformance, status_code_conformance],
    )
