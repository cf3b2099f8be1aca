"""API tokens: shown once, stored as a digest, revocable, audited."""

from __future__ import annotations

import hashlib
import re

from django.urls import reverse

from api.models import ApiToken
from api.services import token_create, token_revoke
from audit.models import AuditEntry


def test_only_a_digest_of_the_token_is_stored(member):
    token, raw = token_create(by=member, name="document system")
    assert raw.startswith("fl_") and len(raw) > 40
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    stored = ApiToken.objects.filter(pk=token.pk).values()[0]
    assert raw not in {str(v) for v in stored.values()}


def test_bearer_token_authenticates_and_records_use(api, member):
    token, raw = token_create(by=member, name="document system")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = api.get("/api/v1/experts/")
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used is not None


def test_revoked_or_unknown_token_is_refused_with_the_error_body(api, member):
    token, raw = token_create(by=member, name="old system")
    token_revoke(token=token, by=member)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = api.get("/api/v1/sops/")
    assert response.status_code == 401
    assert (
        response.json()["error"]["message"] == "This token is unknown, was revoked or has expired."
    )
    assert response["WWW-Authenticate"] == "Bearer"
    api.credentials(HTTP_AUTHORIZATION="Bearer fl_nonsense")
    assert api.get("/api/v1/sops/").status_code == 401


def test_token_creation_and_revocation_are_audited(member):
    token, _raw = token_create(by=member, name="document system")
    token_revoke(token=token, by=member)
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "actor_name"))
    assert actions == [("api_token.created", "member"), ("api_token.revoked", "member")]


def test_token_page_shows_a_new_token_once_then_only_its_prefix(client_for, member):
    client = client_for(member)
    response = client.post(
        reverse("api_tokens:list"), {"name": "our document system", "scope": "write"}
    )
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    token = ApiToken.objects.get(user=member)
    raw = response.context["new_token"]
    assert raw.encode() in response.content
    again = client.get(reverse("api_tokens:list"))
    assert raw.encode() not in again.content
    assert token.prefix.encode() in again.content


def test_token_page_revokes_only_ones_own_tokens(client_for, member, editor):
    theirs, _raw = token_create(by=editor, name="editor's system")
    client = client_for(member)
    response = client.post(reverse("api_tokens:revoke", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked is None
    mine, _raw = token_create(by=member, name="mine")
    response = client.post(reverse("api_tokens:revoke", args=[mine.pk]))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.revoked is not None


def test_profile_links_to_the_token_page(client_for, member):
    response = client_for(member).get(reverse("network:profile"))
    assert reverse("api_tokens:list").encode() in response.content


def test_token_page_needs_sign_in(client):
    response = client.get(reverse("api_tokens:list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_admins_token_page_has_a_plain_title_and_no_empty_header(client_for, agency_admin):
    html = client_for(agency_admin).get("/profile/api-tokens/").content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title and title.startswith("API tokens")
    assert "<th></th>" not in html
    assert html.count("Agencies you administer") == 1  # in the page, not the title
