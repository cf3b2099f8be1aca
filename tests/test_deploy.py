"""Deployment: production settings pass ``check --deploy``; docker-compose.yml names real things."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from frontline.production import require_production_env, security_settings, storages

ROOT = Path(__file__).resolve().parents[1]


def _production_env(tmp_path, **extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        FRONTLINE_VAR_DIR=str(tmp_path),
        **extra,
    )
    return env


def _manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_under_production_settings(tmp_path):
    result = _manage(_production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_start_without_secret_key_or_hosts_fails_clearly(tmp_path):
    env = _production_env(tmp_path)
    del env["SECRET_KEY"], env["ALLOWED_HOSTS"]
    result = _manage(env, "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr and "ALLOWED_HOSTS" in result.stderr


def test_short_secret_key_is_refused():
    with pytest.raises(ImproperlyConfigured, match="too short"):
        require_production_env({"SECRET_KEY": "abc", "ALLOWED_HOSTS": "example.org"})


def test_production_security_settings():
    values = security_settings(
        {"SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https"}, debug=False
    )
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert security_settings({}, debug=True) == {}
    with pytest.raises(ImproperlyConfigured):
        security_settings({"SECURE_PROXY_SSL_HEADER": "nonsense"}, debug=False)


def test_whitenoise_serves_hashed_static_files_in_production(tmp_path):
    env = _production_env(tmp_path, FRONTLINE_STATIC_ROOT=str(tmp_path / "static"))
    result = _manage(env, "collectstatic", "--no-input")
    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    assert "vendor/htmx/htmx.min.js" in manifest and "vendor/swagger-ui/swagger-ui.css" in manifest
    assert storages(debug=False)["staticfiles"]["BACKEND"].startswith("whitenoise.")
