"""Sign-in and password reset are limited per account and per address, with a clear 429."""

from __future__ import annotations

import itertools
import os

import pytest
from django.core import mail
from django.core.cache.backends.redis import RedisCache
from django.urls import reverse

from frontline import ratelimit
from frontline.ratelimit import Limit, ratelimit_exceeded, ratelimit_hit
from tests.factories import PASSWORD

_caches = itertools.count()


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"ratelimit-test-{next(_caches)}",
        }
    }
    settings.FRONTLINE_RATE_LIMITS = {
        "login-account": (3, 900),
        "login-address": (5, 900),
        "reset-account": (2, 3600),
        "reset-address": (3, 3600),
    }


def test_counter_counts_up_to_the_limit(db):
    limit = Limit("probe", 2, 60)
    assert [ratelimit_hit(limit, "Someone") for _ in range(3)] == [1, 2, 3]
    assert ratelimit_exceeded(limit, "someone")
    assert not ratelimit_exceeded(limit, "someone else")


def _sign_in(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_account_is_locked_after_failed_sign_ins_even_with_the_right_password(client, member):
    for _ in range(3):
        assert _sign_in(client, "member", "wrong").status_code == 200
    locked = _sign_in(client, "member", PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    other = _sign_in(client, "editor", "wrong", address="10.0.0.2")
    assert other.status_code == 200


def test_address_is_limited_across_accounts(client, db):
    for n in range(5):
        _sign_in(client, f"guess{n}", "wrong")
    assert _sign_in(client, "fresh-name", "wrong").status_code == 429
    assert _sign_in(client, "fresh-name", "wrong", address="10.9.9.9").status_code == 200


def test_success_resets_the_account_counter(client, member):
    for _ in range(2):
        _sign_in(client, "member", "wrong")
    assert _sign_in(client, "member", PASSWORD).status_code == 302
    client.logout()
    for _ in range(2):
        assert _sign_in(client, "member", "wrong").status_code == 200


def test_password_reset_is_limited(client, member, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    url = reverse("password_reset")
    codes = [
        client.post(url, {"email": "member@example.org"}, REMOTE_ADDR="10.0.0.3").status_code
        for _ in range(3)
    ]
    assert codes == [302, 302, 429]
    assert len(mail.outbox) == 2
    other = [
        client.post(url, {"email": f"x{n}@example.org"}, REMOTE_ADDR="10.0.0.4").status_code
        for n in range(4)
    ]
    assert other == [302, 302, 302, 429]


@pytest.mark.integration
def test_limits_hold_across_web_nodes_sharing_redis(monkeypatch):
    """Two cache clients (two web nodes) count into the same Redis counter."""
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set")
    prefix = f"test-{os.getpid()}-{next(_caches)}"
    node_a = RedisCache(url, {"KEY_PREFIX": prefix})
    node_b = RedisCache(url, {"KEY_PREFIX": prefix})
    limit = Limit("login-account", 3, 60)
    for node in (node_a, node_b, node_a):
        monkeypatch.setattr(ratelimit, "cache", node)  # the cache each node's process uses
        ratelimit_hit(limit, "member")
    for node in (node_a, node_b):
        monkeypatch.setattr(ratelimit, "cache", node)
        assert ratelimit_exceeded(limit, "member")
    ratelimit.ratelimit_reset(limit, "member")
    assert not ratelimit_exceeded(limit, "member")
