"""The OpenAPI schema and its docs page, whose assets are all served from here."""

from __future__ import annotations

import re

import yaml
from django.contrib.staticfiles import finders


def test_schema_lists_the_endpoints_and_the_error_body(api, db):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/versions/{id}/" in schema["paths"]
    patch = schema["paths"]["/api/v1/versions/{id}/"]["patch"]
    assert {"412", "428"} <= set(patch["responses"])
    assert "Error" in schema["components"]["schemas"]
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_docs_page_uses_only_local_assets(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources
    for path in ("vendor/swagger-ui/swagger-ui-bundle.js", "vendor/swagger-ui/swagger-ui.css"):
        assert finders.find(path), path
    assert finders.find("api/docs.js")
