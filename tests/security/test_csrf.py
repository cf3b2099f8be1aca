"""CSRF: a signed-in browser's POST without a token is refused on every URL the site has."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from api.models import ApiToken
from api.services import token_create
from audit.models import AuditEntry
from network.models import Membership
from notifications.models import Subscription
from sops.models import SOP, Attachment, SOPVersion
from webhooks.models import Webhook

MODELS = (SOP, SOPVersion, Attachment, Membership, ApiToken, Webhook, Subscription, AuditEntry)
SAMPLE = {"int": "1", "slug": "home-agency", "str": "sop", "path": "x"}
# One-click unsubscribe (RFC 8058): mail clients POST without a session; a signed token in
# the URL is the authority, and a forged one is refused (checked below).
EXEMPT = {"/notifications/unsubscribe/sop/"}
# The API's answer to a path that names no endpoint changes nothing: its JSON 404 comes
# before any CSRF check (a bearer-token client gets the API's error body, not an HTML page).
NO_ENDPOINT = "/api/"  # the catch-all pattern, as _routes() writes it


def _routes(resolver=None, prefix="") -> list[str]:
    """Every URL pattern as a path with sample values in its parameters."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        pattern = str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += _routes(entry, prefix + pattern)
        elif isinstance(entry, URLPattern):
            found.append(prefix + pattern)
    paths = []
    for route in found:
        if route.startswith("^") or "(?P" in route:
            route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route).strip("^$").replace("\\", "")
            route = route.replace(".*", "anything")
        route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "1"), route)
        paths.append("/" + route.lstrip("/"))
    return sorted(set(paths))


def _counts() -> list[int]:
    return [model.objects.count() for model in MODELS]


def test_there_are_many_routes():
    routes = _routes()
    assert len(routes) > 60
    assert "/api/v1/versions/1/publish/" in routes and "/sops/1/versions/1/publish/" in routes


@pytest.mark.parametrize("who", ["staff", "agency_admin"])
def test_post_without_csrf_token_is_refused_everywhere(request, who, home_agency, member):
    user = request.getfixturevalue(who)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    before = _counts()
    allowed = []
    for path in _routes():
        if path.startswith("/static/") or path in EXEMPT:
            continue
        response = client.post(path, {"name": "x", "url": "https://example.org/h", "role": "admin"})
        if path == NO_ENDPOINT:
            assert response.status_code == 404 and response.json()["error"]["status"] == 404
            continue
        if response.status_code != 403:
            allowed.append((path, response.status_code))
    assert allowed == []
    assert _counts() == before


def test_a_form_post_to_the_api_from_a_browser_holding_a_csrf_cookie_is_a_csrf_refusal(member):
    """The cookie is there on every page a browser has seen; the API still answers 403."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    client.get("/sops/new/")  # any page with a form sets the CSRF cookie
    assert "csrftoken" in client.cookies
    response = client.post("/api/v1/follows/", {"kind": "sop", "target": "1"})
    assert response.status_code == 403, response.content
    assert "CSRF" in response.json()["error"]["message"]


def test_the_exempt_unsubscribe_link_refuses_a_forged_token(staff):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/notifications/unsubscribe/forged-token/").status_code == 400


def test_api_with_a_bearer_token_needs_no_csrf_token(editor, home_agency):
    """Tokens are not sent by browsers on their own, so they are not a CSRF risk."""
    _token, raw = token_create(by=editor, name="system")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/sops/",
        {"agency": "home-agency", "reference": "X-1", "title": "t", "body": "b", "language": "xx"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 400  # the form is checked, not refused for CSRF
    assert "language" in response.json()["error"]["fields"]
