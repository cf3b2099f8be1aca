"""Settings that only apply with ``DEBUG=0``, and the checks that refuse an unsafe start.

Kept apart from ``settings.py`` so each rule can be tested with a plain dict as the
environment.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from frontline.env import env_bool

MIN_SECRET_KEY_LENGTH = 50
# The key ``make run`` uses; with DEBUG=0 it is refused, so nothing signed on a developer's
# machine (sessions, reset, unsubscribe and e-mail links) validates in production.
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me-in-production"


def require_production_env(environ: dict) -> None:
    """Refuse to start in production without a real secret key and the served host names."""
    missing = []
    key = environ.get("SECRET_KEY", "")
    if not key:
        missing.append("SECRET_KEY (at least 50 random characters)")
    elif DEVELOPMENT_SECRET_KEY in key:
        raise ImproperlyConfigured(
            "SECRET_KEY is the development key: set a secret of your own for DEBUG=0."
        )
    elif len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY is too short or too simple for DEBUG=0: use at least "
            f"{MIN_SECRET_KEY_LENGTH} random characters, e.g. from "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    if not environ.get("ALLOWED_HOSTS", "").strip():
        missing.append("ALLOWED_HOSTS (comma-separated host names this site answers to)")
    if missing:
        raise ImproperlyConfigured(
            "DEBUG=0 (production) needs these environment variables: " + "; ".join(missing) + "."
        )


def security_settings(environ: dict, debug: bool) -> dict:
    """Secure cookies, HSTS and HTTPS redirects in production; nothing changes in DEBUG."""
    if debug:
        return {}
    settings = {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": env_bool(environ, "SECURE_SSL_REDIRECT", True),
        "SECURE_HSTS_SECONDS": int(environ.get("SECURE_HSTS_SECONDS") or 31536000),
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": env_bool(environ, "SECURE_HSTS_INCLUDE_SUBDOMAINS", True),
        "SECURE_HSTS_PRELOAD": env_bool(environ, "SECURE_HSTS_PRELOAD", True),
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "X_FRAME_OPTIONS": "DENY",
    }
    # Behind a TLS-terminating proxy: e.g. SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
    header = environ.get("SECURE_PROXY_SSL_HEADER", "")
    if header:
        name, _, value = header.partition(",")
        if not name.strip() or not value.strip():
            raise ImproperlyConfigured(
                "SECURE_PROXY_SSL_HEADER must look like 'HTTP_X_FORWARDED_PROTO,https'."
            )
        settings["SECURE_PROXY_SSL_HEADER"] = (name.strip(), value.strip())
    return settings


def storages(debug: bool) -> dict:
    """Hashed, compressed static files (after ``collectstatic``): strict in production,
    where a missing file must fail the deploy; under ``DEBUG`` plain names until
    ``collectstatic`` has run (frontline/staticfiles.py)."""
    static = (
        "frontline.staticfiles.HashedStaticFilesStorage"
        if debug
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    return {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": static},
    }


def caches(redis_url: str) -> dict:
    """Redis when it is there, so rate limits hold across web nodes; memory otherwise."""
    if redis_url:
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_url,
                "KEY_PREFIX": "frontline",
            }
        }
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
