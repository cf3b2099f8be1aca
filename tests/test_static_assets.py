"""Light pages: hashed, compressed, long-cached static files in every mode; deferred
scripts; a favicon and a description; no inline script or style anywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

ROOT = Path(__file__).resolve().parents[1]
HASHED = "frontline.staticfiles.HashedStaticFilesStorage"


@pytest.fixture
def collected(settings, tmp_path):
    """`make run`: DEBUG=1, after its collectstatic (here into the test's own directory)."""
    settings.DEBUG = True  # where Django's own manifest storage would not hash names
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": HASHED}}
    call_command("collectstatic", "--no-input", verbosity=0)
    return settings.STATIC_ROOT


def _assets(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


@pytest.mark.django_db
def test_pages_link_hashed_names_served_compressed_and_cached_for_a_year(collected):
    client = Client()
    html = client.get("/").content.decode()
    assets = _assets(html)
    assert {"css", "js", "svg"} <= {a.rsplit(".", 1)[-1] for a in assets}
    for url in assets:
        assert re.search(r"\.[0-9a-f]{12}\.\w+$", url), f"{url} has no content hash"
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200, url
        assert (
            "immutable" in response["Cache-Control"]
            and "max-age=315360000" in response["Cache-Control"]
        ), url
        if url.endswith((".css", ".js")):
            assert response["Content-Encoding"] == "gzip", url


@pytest.mark.django_db
def test_before_any_collectstatic_names_stay_plain_and_are_found(settings, tmp_path):
    settings.DEBUG = True
    settings.STATIC_ROOT = tmp_path / "never-collected"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": HASHED}}
    html = Client().get("/").content.decode()
    assert "/static/vendor/pico/pico.frontline.min.css" in _assets(html)


@pytest.mark.django_db
def test_pages_are_compressed(client):
    response = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"


@pytest.mark.django_db
def test_the_layout_has_a_favicon_a_description_and_deferred_scripts(client, member):
    client.force_login(member)
    html = client.get("/").content.decode()
    assert re.search(r'<meta name="description" content="[^"]{50,}">', html)
    icon = re.search(r'<link rel="icon" href="/static/([^"]+)" type="image/svg\+xml">', html)
    assert icon and (ROOT / "static" / icon.group(1)).exists()
    scripts = re.findall(r"<script[^>]*>", html)
    assert len(scripts) >= 2  # htmx and, for a signed-in member, the notification client
    assert all(" src=" in s and " defer" in s for s in scripts), scripts


def test_no_template_has_an_inline_script_or_style():
    """Everything comes from static files, so a Content-Security-Policy needs no 'unsafe-inline'
    (event handler attributes such as onclick= or htmx's hx-on count as inline script)."""
    inline = re.compile(
        r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\s(?:on[a-z]+|hx-on[:\w-]*)="
    )
    found = [
        str(path.relative_to(ROOT))
        for path in ROOT.glob("**/templates/**/*.html")
        if ".venv" not in path.parts
        and "email" not in path.parts  # mail clients read only inline styles
        and inline.search(path.read_text())
    ]
    assert found == []


def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].startswith("/static/frontline/favicon")
