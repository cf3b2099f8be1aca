"""Frontline settings: one module, everything that varies comes from the environment.

With no environment set this is the embedded default: SQLite in ``var/``, an in-memory
channel layer and Celery tasks run eagerly in-process. ``DATABASE_URL`` and
``REDIS_URL`` switch to PostgreSQL and Redis. The README has the table of variables.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from frontline.env import email_settings, env_bool, env_count, env_list
from frontline.headers import CONTENT_SECURITY_POLICY  # noqa: F401 (a setting)
from frontline.production import (
    DEVELOPMENT_SECRET_KEY,
    caches,
    require_production_env,
    security_settings,
    storages,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("FRONTLINE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool(os.environ, "DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or DEVELOPMENT_SECRET_KEY
ALLOWED_HOSTS = env_list(os.environ, "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
if not DEBUG:
    require_production_env(os.environ)  # a clear start-up error instead of an unsafe site
CSRF_TRUSTED_ORIGINS = env_list(os.environ, "CSRF_TRUSTED_ORIGINS", [])
vars().update(security_settings(os.environ, DEBUG))

INSTALLED_APPS = [
    "daphne",
    "frontline.apps.FrontlineAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "events",
    "network",
    "sops",
    "notifications",
    "search",
    "audit",
    "api",
    "webhooks",
    "offline",
    "capacity",
    "training",
    "frontline.apps.FrontlineConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed too (static files come compressed from WhiteNoise, above). Django's
    # GZip pads each response at random against BREACH guesses at the CSRF token.
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "frontline.headers.PrivateCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "frontline.locale.UserLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "frontline.sessions.IdleTimeoutMiddleware",
    "frontline.second_factor.SecondFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "network.middleware.UserTimezoneMiddleware",
    "frontline.error_pages.ErrorPageMiddleware",
]

ROOT_URLCONF = "frontline.urls"
WSGI_APPLICATION = None
ASGI_APPLICATION = "frontline.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "network.context_processors.viewer",
            ],
            # ``|when`` (a time in the reader's locale and zone, the zone shown) everywhere.
            "builtins": ["frontline.templatetags.frontline_formats"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'frontline.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # No JIT compilation: the SOP list's page query over 20,000 procedures costs enough
    # in the planner's estimate to be compiled, and compiling took 38 of its 116 ms
    # (77 ms without). Pages ask small questions; JIT pays off only on long reports.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if (
    DATABASES["default"]["ENGINE"].endswith("postgresql")
    and not DATABASES["default"]["CONN_MAX_AGE"]
):
    # A pool of open connections (Django's own, on psycopg_pool): without it every
    # database call of a socket or request opened a new PostgreSQL connection, which
    # was most of what connecting 1,000 tabs cost (DB_POOL=0 turns it off).
    if os.environ.get("DB_POOL", "1").lower() not in ("0", "false", "no", "off"):
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": int(os.environ.get("DB_POOL_MAX", "10")),
            "timeout": 20,
        }
elif DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Wait for the lock instead of failing at once when the eager worker and a
    # request write at the same moment.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # ASVS 2.1.1: at least 12 characters.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Internationalisation: English and Russian; a signed-in expert's choice wins, then the
# cookie, then Accept-Language (frontline.locale). Times are stored in UTC and shown in
# the time zone each expert chooses (network.middleware), with the zone named.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates in the locale's style (English: day month year, not Django's US default).
FORMAT_MODULE_PATH = ["frontline.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("FRONTLINE_STATIC_ROOT", VAR_DIR / "staticfiles"))
STORAGES = storages(DEBUG)
WHITENOISE_AUTOREFRESH = DEBUG  # development: serve what the finders see, no collectstatic
WHITENOISE_MAX_AGE = 0 if DEBUG else 3600  # unhashed names; hashed ones are cached a year
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("FRONTLINE_MEDIA_DIR", VAR_DIR / "media"))

# Real time and jobs. Without REDIS_URL everything runs in this one process.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = False
# Embedded default under daphne: eager tasks run after the response (events.inprocess).
# Tests turn it off to run them in place, deterministically.
FRONTLINE_JOBS_AFTER_RESPONSE = os.environ.get("FRONTLINE_JOBS_AFTER_RESPONSE", "1") == "1"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Rate limits (sign-in, password reset, API) count here: Redis is shared by all web nodes.
CACHES = caches(REDIS_URL)

# Request sizes (frontline/request_size.py refuses larger bodies before reading them):
# a form or JSON body holds at most one SOP text (300,000 characters, up to 6 bytes each
# once encoded); an upload the attachment limit plus the form around it.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("FRONTLINE_MAX_BODY_BYTES", 3 * 1024 * 1024))
FRONTLINE_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
FRONTLINE_MAX_REQUEST_BYTES = FRONTLINE_MAX_UPLOAD_BYTES + 1024 * 1024

FRONTLINE_INDEX_DIR = Path(os.environ.get("FRONTLINE_INDEX_DIR", VAR_DIR / "index"))
# Past one host: every web host's own index copy, fed by a broadcast (search/routing.py).
FRONTLINE_SEARCH_BROADCAST = env_bool(os.environ, "FRONTLINE_SEARCH_BROADCAST", False)
# The web process (frontline/asgi.py) warms its search caches at start (search/warmup.py).
FRONTLINE_SEARCH_WARM = env_bool(os.environ, "FRONTLINE_SEARCH_WARM", True)
# Requests one web process runs at once; the rest wait their turn (frontline/asgi_handler.py).
FRONTLINE_REQUESTS_AT_ONCE = env_count(os.environ, "FRONTLINE_REQUESTS_AT_ONCE", 2)

vars().update(email_settings(os.environ.get("EMAIL_URL")))
# Absolute links in e-mails (notification links, unsubscribe) and webhook payloads.
# Four eyes for an agency that has not chosen: the author or last editor of a draft may
# not publish it (an agency's admins change it on their dashboard).
FRONTLINE_FOUR_EYES_DEFAULT = True
FRONTLINE_BASE_URL = os.environ.get("FRONTLINE_BASE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Frontline <noreply@frontline.local>")

SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Absolute lifetime of a session, and the idle time after which it ends (shorter for
# platform staff and agency admins); frontline/sessions.py enforces the idle limit.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE") or 14 * 24 * 3600)
FRONTLINE_IDLE_TIMEOUT = int(os.environ.get("FRONTLINE_IDLE_TIMEOUT") or 4 * 3600)
FRONTLINE_IDLE_TIMEOUT_PRIVILEGED = int(os.environ.get("FRONTLINE_IDLE_TIMEOUT_PRIVILEGED") or 3600)
# Platform staff and agency admins must pass a TOTP second factor (frontline/second_factor.py).
FRONTLINE_REQUIRE_SECOND_FACTOR = True
OTP_TOTP_ISSUER = "Frontline"
# No script reads the CSRF cookie (pages carry the token in a meta tag and the forms).
CSRF_COOKIE_HTTPONLY = True
# A failed CSRF check on a page gets the site's styled 403 with what to do.
CSRF_FAILURE_VIEW = "frontline.error_pages.csrf_failure"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "api.authentication.BrowserSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ReadAnyoneWriteSignedIn"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonThrottle", "api.throttling.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_RATE_ANON", "120/minute"),
        "user": os.environ.get("API_RATE_USER", "1200/minute"),
    },
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    # Count anonymous clients by REMOTE_ADDR only (daphne --proxy-headers sets it behind a
    # proxy); a client-sent X-Forwarded-For must not buy a fresh allowance.
    "NUM_PROXIES": 0,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Request bodies are JSON; only the upload takes multipart (its view says so). One
    # media type per body keeps the schema honest and generated clients importable.
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],  # refuses bodies nested too deep
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Frontline API",
    "DESCRIPTION": "Procedures, versions and the network. Authenticate with "
    "'Authorization: Bearer <token>' (tokens are created on your profile page).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AgencyKindEnum": "network.models.Agency.Kind",
        "TopicKindEnum": "network.models.Topic.Kind",
        "SubscriptionKindEnum": "notifications.models.Subscription.Kind",
        # The names these had before capacity added its own "status" and "level" enums.
        "StatusEnum": "sops.models.SOPVersion.Status",
        "LevelEnum": "notifications.models.Subscription.Level",
        "AssessmentStatusEnum": "capacity.models.Assessment.Status",
        "NeedStatusEnum": "capacity.models.Need.Status",
        "RegulationStatusEnum": "capacity.models.Regulation.Status",
        "CapacityLevelEnum": "capacity.models.Level",
        "AssessmentScopeEnum": "capacity.models.Assessment.Scope",
        "ActivityScopeEnum": "training.models.Activity.Scope",
        "ActivityKindEnum": "training.models.Activity.Kind",
        "ActivityStatusEnum": "training.models.Activity.Status",
        "RegistrationStatusEnum": "training.models.Registration.Status",
        "RegistrationMarkEnum": "training.models.MARKS",
        "CorrectiveActionStatusEnum": "training.models.CorrectiveAction.Status",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
