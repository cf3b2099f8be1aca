"""The OpenAPI schema and its docs page, whose assets are all served from here."""

from __future__ import annotations

import re
from pathlib import Path

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


def test_docs_page_lists_every_endpoint_light_and_escaped(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith(("/", "#")) for s in sources), sources
    schema = yaml.safe_load(client.get("/api/schema/").content)
    for path in schema["paths"]:
        assert f"<code>{path}</code>" in html, path
    assert "Authorization: Bearer &lt;token&gt;" in html
    # The page and what it loads stay light: no 1.9 MB Swagger UI bundle.
    scripts = re.findall(r'<script src="/static/([^"]+)"', html)
    weight = len(response.content) + sum(Path(finders.find(s)).stat().st_size for s in scripts)
    assert weight < 200_000, weight
