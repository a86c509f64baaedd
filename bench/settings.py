"""Settings for benchmarks: production-like (DEBUG off) on a separate database."""

import os

from config.settings import *  # noqa: F403

DEBUG = False
SECRET_KEY = "bench-only-key-not-for-production-0123456789abcdefghijklmnop"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# bench/stats.py uses its own database for the city-scale data set.
DATABASES["default"]["NAME"] = os.environ.get("BENCH_DATABASE", "portal_bench")  # noqa: F405
ROOT_URLCONF = "bench.urls"
# Tasks run inside the request unless a benchmark serves like production, where a
# worker picks them up from the queue (BENCH_Q_SYNC=false).
Q_CLUSTER = {**Q_CLUSTER, "sync": os.environ.get("BENCH_Q_SYNC") != "false"}  # noqa: F405
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
# bench/jobs.py serves search traffic with the per-process caches off (BENCH_CACHES=off)
# to measure the uncached query.
if os.environ.get("BENCH_CACHES") == "off":
    CACHES = {  # noqa: F405
        **CACHES,  # noqa: F405
        "search": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
        "template_fragments": {
            "BACKEND": "django.core.cache.backends.dummy.DummyCache"
        },
    }
# The framework's own ceiling: the same views with no middleware at all
# (bench/fairs.py serves one process like this next to the portal's stack).
if os.environ.get("BENCH_PLAIN") == "true":
    MIDDLEWARE = []
