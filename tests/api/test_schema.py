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


def _schema(api) -> dict:
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    return yaml.safe_load(response.content)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_each_request_body_has_the_one_media_type_the_endpoint_accepts(api, db):
    """JSON everywhere but the upload: form and multipart twins broke generated clients."""
    for path, method, operation in _operations(_schema(api)):
        if "requestBody" not in operation:
            continue
        media = set(operation["requestBody"]["content"])
        if path == "/api/v1/versions/{id}/attachments/":
            assert media == {"multipart/form-data"}, (method, path)
        else:
            assert media == {"application/json"}, (method, path, media)


def test_public_reads_declare_optional_auth_and_the_rest_require_it(api, db):
    schema = _schema(api)
    public = {
        ("get", "/api/v1/agencies/"),
        ("get", "/api/v1/agencies/{code}/"),
        ("get", "/api/v1/topics/"),
        ("get", "/api/v1/sops/"),
        ("get", "/api/v1/search/"),
        ("get", "/api/v1/versions/{id}/"),
    }
    for path, method, operation in _operations(schema):
        optional = {} in operation["security"]
        if (method, path) in public:
            assert optional, (method, path)
        if method != "get" or path.startswith(
            ("/api/v1/inbox/", "/api/v1/follows/", "/api/v1/experts")
        ):
            assert not optional, (method, path)


def test_schema_documents_etag_download_types_and_what_q_finds(api, db):
    schema = _schema(api)
    version = schema["paths"]["/api/v1/versions/{id}/"]
    for method in ("get", "patch", "put"):
        assert "ETag" in version[method]["responses"]["200"]["headers"], method
    if_match = next(p for p in version["patch"]["parameters"] if p["name"] == "If-Match")
    assert "pattern" in if_match["schema"] and "*" in if_match["description"]
    download = schema["paths"]["/api/v1/attachments/{id}/download/"]["get"]["responses"]
    assert "application/pdf" in download["200"]["content"]
    assert "never 403" in download["404"]["description"]
    q = next(p for p in schema["paths"]["/api/v1/sops/"]["get"]["parameters"] if p["name"] == "q")
    assert "title or the reference code" in q["description"]
