"""Small readers for settings that come from the environment.

Kept apart from ``settings.py`` so the parsing can be tested on its own.
"""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlparse

TRUE_WORDS = {"1", "true", "yes", "on"}


def env_bool(environ: dict, name: str, default: bool) -> bool:
    value = environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in TRUE_WORDS


def env_count(environ: dict, name: str, default: int) -> int:
    """A whole number of 0 or more, or a start-up error that names the variable."""
    from django.core.exceptions import ImproperlyConfigured

    value = environ.get(name)
    if value is None or value.strip() == "":
        return default
    if not value.strip().isdigit():
        raise ImproperlyConfigured(f"{name} must be a whole number of 0 or more, not {value!r}")
    return int(value)


def env_list(environ: dict, name: str, default: list[str]) -> list[str]:
    value = environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def email_settings(url: str | None) -> dict:
    """Turn ``EMAIL_URL`` into Django e-mail settings.

    ``console://`` (the default) prints mail; ``smtp://user:pass@host:587?tls=1``
    or ``smtps://...`` (implicit TLS) sends it; ``locmem://`` keeps it in memory.
    """
    if not url or url.startswith("console:"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if url.startswith("locmem:"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    parsed = urlparse(url)
    if parsed.scheme not in {"smtp", "smtps"}:
        raise ValueError(
            f"EMAIL_URL scheme must be console, locmem, smtp or smtps, not {parsed.scheme!r}"
        )
    options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or (465 if parsed.scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_SSL": parsed.scheme == "smtps",
        "EMAIL_USE_TLS": options.get("tls", "").lower() in TRUE_WORDS,
        # A relay that accepts and never answers must not hold a worker for ever.
        "EMAIL_TIMEOUT": float(options.get("timeout", 20)),
    }
