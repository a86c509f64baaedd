"""Settings for benchmarks: production-like (DEBUG off) on a separate database."""

from portal.settings import *  # noqa: F403

DEBUG = False
SECRET_KEY = "bench-only-key-not-for-production-0123456789abcdefghijklmnop"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
DATABASES["default"]["NAME"] = "portal_bench"  # noqa: F405
ROOT_URLCONF = "bench.urls"
Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
