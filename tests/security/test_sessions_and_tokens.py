"""Sessions end when idle (sooner for staff and admins); API tokens have a scope and may
expire; unsubscribe links expire after a year; reset links ignore the Host header; the
development secret key is refused in production and what it signed does not validate."""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail, signing
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import token_create
from frontline.production import DEVELOPMENT_SECRET_KEY
from frontline.sessions import LAST_SEEN
from network.verification import email_verification_token
from notifications import emails
from notifications.models import Subscription
from tests.test_deploy import ROOT, _production_env

pytestmark = pytest.mark.django_db


def _idle_for(client: Client, seconds: int) -> None:
    session = client.session
    session[LAST_SEEN] = int(time.time()) - seconds
    session.save()


def test_an_idle_session_ends_sooner_for_agency_admins(member, agency_admin, settings):
    settings.FRONTLINE_IDLE_TIMEOUT = 4 * 3600
    settings.FRONTLINE_IDLE_TIMEOUT_PRIVILEGED = 3600
    clients = {}
    for user in (member, agency_admin):
        clients[user.username] = client = Client()
        client.force_login(user)
        _idle_for(client, 2 * 3600)
    assert clients["member"].get("/profile/").status_code == 200
    ended = clients["agency_admin"].get("/profile/")
    assert ended.status_code == 302 and ended["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in clients["agency_admin"].session
    _idle_for(clients["member"], 5 * 3600)
    assert clients["member"].get("/profile/").status_code == 302
    # Activity keeps a session alive: the clock restarts with each request (once a minute).
    fresh = Client()
    fresh.force_login(member)
    _idle_for(fresh, 3 * 3600)
    assert fresh.get("/profile/").status_code == 200
    assert fresh.session[LAST_SEEN] >= int(time.time()) - 5


def test_a_read_only_token_is_refused_on_every_unsafe_method(publisher, home_agency):
    _token, raw = token_create(by=publisher, name="reader", scope=ApiToken.Scope.READ)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/sops/").status_code == 200
    refused = api.post("/api/v1/sops/", {"title": "x"}, format="json")
    assert refused.status_code == 403
    assert "read-only" in refused.json()["error"]["message"]
    assert api.delete("/api/v1/follows/1/").status_code == 403
    writer_token, writer = token_create(by=publisher, name="writer", scope=ApiToken.Scope.WRITE)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {writer}")
    assert api.post("/api/v1/sops/", {}, format="json").status_code == 400  # let through


def test_an_expired_token_is_refused(member):
    token, raw = token_create(by=member, name="short", expires_in_days=30)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/inbox/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires=timezone.now() - timedelta(seconds=1))
    response = api.get("/api/v1/inbox/")
    assert response.status_code == 401
    assert "expired" in response.json()["error"]["message"]


def test_token_page_and_schema_show_scope_and_expiry(member):
    client = Client()
    client.force_login(member)
    page = client.post(
        reverse("api_tokens:list"), {"name": "reader", "scope": "read", "expires_in_days": "30"}
    ).content.decode()
    assert 'data-testid="token-scope">Read only<' in page
    expires = date_format(timezone.localdate() + timedelta(days=30), "SHORT_DATE_FORMAT")
    assert expires in page  # the locale's date style ("31 Dec 2026"), not ISO
    bad = client.post(reverse("api_tokens:list"), {"name": "x", "scope": "admin"})
    assert "Select a valid choice" in bad.content.decode()
    schema = " ".join(Client().get("/api/schema/").content.decode().split())
    assert "tokens are refused with 403 on every POST, PUT, PATCH and DELETE" in schema


def test_unsubscribe_links_expire_after_a_year(member, other_agency, monkeypatch):
    sub = Subscription.objects.create(
        user=member, kind="agency", agency=other_agency, email_now=True
    )
    year_ago = time.time() - 366 * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: year_ago)
    old = emails.unsubscribe_token(user_id=member.pk, subscription_id=sub.pk, digest=False)
    monkeypatch.undo()
    fresh = emails.unsubscribe_token(user_id=member.pk, subscription_id=sub.pk, digest=False)
    client = Client()
    assert client.get(reverse("notifications:unsubscribe", args=[fresh])).status_code == 200
    stale = client.post(reverse("notifications:unsubscribe", args=[old]))
    assert stale.status_code == 400 and b"more than a year old" in stale.content
    sub.refresh_from_db()
    assert sub.email_now


def test_reset_links_are_built_from_the_base_url_not_the_host_header(member, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ALLOWED_HOSTS = ["*"]  # a proxy that passes any Host through
    settings.FRONTLINE_BASE_URL = "https://frontline.example"
    Client().post(
        reverse("password_reset"), {"email": "member@example.org"}, HTTP_HOST="evil.example"
    )
    body = mail.outbox[-1].body
    assert re.search(r"https://frontline\.example/accounts/reset/\S+/\S+/", body), body
    assert "evil.example" not in body


def test_production_refuses_the_development_secret_key(tmp_path):
    env = {**_production_env(tmp_path), "SECRET_KEY": DEVELOPMENT_SECRET_KEY + "-padded-to-50+"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "development key" in result.stderr


def test_what_the_development_key_signed_does_not_validate_in_production(member, other_agency):
    with override_settings(SECRET_KEY=DEVELOPMENT_SECRET_KEY):
        unsubscribe = emails.unsubscribe_token(user_id=member.pk, subscription_id=None, digest=1)
        reset = default_token_generator.make_token(member)
        confirm = email_verification_token.make_token(member)
        assert emails.unsubscribe_read(unsubscribe) is not None
        assert default_token_generator.check_token(member, reset)
    with override_settings(SECRET_KEY=secrets.token_urlsafe(50)):
        assert emails.unsubscribe_read(unsubscribe) is None
        assert not default_token_generator.check_token(member, reset)
        assert not email_verification_token.check_token(member, confirm)
