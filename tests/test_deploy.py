"""Deployment: production settings pass ``check --deploy``; docker-compose.yml names real things."""

from __future__ import annotations

import configparser
import importlib
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ImproperlyConfigured
from django.core.management import get_commands

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
    assert (
        "vendor/htmx/htmx.min.js" in manifest and "vendor/pico/pico.frontline.min.css" in manifest
    )
    assert storages(debug=False)["staticfiles"]["BACKEND"].startswith("whitenoise.")


# docker-compose.yml ------------------------------------------------------------------


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _option(command: list[str], *names: str) -> str | None:
    for i, part in enumerate(command):
        if part in names and i + 1 < len(command):
            return command[i + 1]
    return None


def _web_program(conf: Path) -> list[str]:
    """The daphne command of supervisord's web program, which must take the shared
    socket as fd 0 (where supervisord's fcgi-program hands it)."""
    parser = configparser.RawConfigParser()
    parser.read(conf)
    section = parser["fcgi-program:web"]
    assert section["socket"] == "tcp://%(ENV_WEB_LISTEN)s"
    assert section["numprocs"] == "%(ENV_WEB_PROCESSES)s"
    command = section["command"].split()
    assert _option(command, "--fd") == "0", command
    return command


def test_compose_has_every_service_with_volumes_and_health_checks():
    compose = _compose()
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "search-worker", "beat"} <= set(services)
    assert {"db", "media", "index"} <= set(compose["volumes"])
    assert any(v.startswith("db:") for v in services["postgres"]["volumes"])
    assert "index:/data/index" in services["web"]["volumes"]
    assert "index:/data/index" in services["search-worker"]["volumes"]
    assert "media:/data/media" in services["web"]["volumes"]
    for name in ("postgres", "redis", "web", "worker", "search-worker"):
        assert services[name].get("healthcheck", {}).get("test"), name
    assert services["search-worker"]["deploy"]["replicas"] == 1
    assert services["beat"]["deploy"]["replicas"] == 1


def test_compose_commands_name_things_that_exist():
    from frontline.celery import app as celery_app
    from search.routing import route_task

    # Compose is one host: index tasks go to the one "search" queue (no broadcast).
    routed = {route_task("search.tasks.index_documents", (), {}, {})["queue"]}
    declared = {q.alias or q.name for q in celery_app.conf.task_queues}
    consumed: set[str] = set()
    for name, service in _compose()["services"].items():
        command = service.get("command")
        if not command or name in {"postgres", "redis"}:
            continue
        program = command[0]
        if program == "supervisord":  # the web service: daphne processes on one socket
            command = _web_program(ROOT / command[command.index("-c") + 1])
            program = command[0]
        if program == "daphne":
            module, _, attr = command[-1].partition(":")
            assert getattr(importlib.import_module(module), attr) is not None, name
        elif program == "celery":
            assert _option(command, "-A", "--app") == "frontline", name
            assert importlib.import_module("frontline.celery").app.main == "frontline"
            assert command[3] in {"worker", "beat"}, name
            queues = _option(command, "-Q", "--queues")
            if command[3] == "worker":
                assert queues, f"{name}: name the queues it consumes"
                consumed |= set(queues.split(","))
        elif program == "python":
            assert command[1] == "manage.py" and command[2] in get_commands(), name
        else:
            pytest.fail(f"{name}: unknown program {program}")
    assert routed | {"celery"} == consumed, "every queue has a consumer, and only real ones"
    assert consumed <= declared, "every consumed queue is declared in frontline/celery.py"


def test_compose_environment_names_real_settings():
    from django.conf import settings

    compose = _compose()
    env = compose["x-app"]["environment"]
    assert env["DEBUG"] == "0" and env["REDIS_URL"].startswith("redis://")
    assert env["DATABASE_URL"].startswith("postgres://")
    example = (ROOT / ".env.example").read_text()
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "SECURE_PROXY_SSL_HEADER"):
        assert re.search(rf"^{name}=", example, re.M), name
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE


def test_dockerfile_copies_every_app_it_runs():
    from django.conf import settings

    dockerfile = (ROOT / "Dockerfile").read_text()
    local_apps = [a for a in settings.INSTALLED_APPS if (ROOT / a).is_dir()]
    for app in local_apps:
        assert f"COPY {app} ./{app}" in dockerfile, app
    assert "collectstatic" in dockerfile
    command = json.loads(re.search(r"^CMD (.+)$", dockerfile, re.M).group(1))
    assert command[0] == "supervisord" and (ROOT / command[-1]).is_file()
    # the image's defaults for the conf's variables (.env may set WEB_PROCESSES)
    assert re.search(r"^ENV WEB_LISTEN=0\.0\.0\.0:8000 WEB_PROCESSES=\d+$", dockerfile, re.M)
    assert _web_program(ROOT / command[-1])[-1] == "frontline.asgi:application"
