from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Search caches off: each test sees its own data (tests/jobs turn them on when needed).
SEARCH_CACHE_SECONDS = 0
CACHES = {  # noqa: F405
    **CACHES,  # noqa: F405
    "template_fragments": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    "reference": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
