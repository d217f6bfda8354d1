"""The test suite: the same local services as development, a separate database
(pytest-django creates test_<name>) and a separate Redis database."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")
# One variable per fact: the ports deploy/local/services.sh starts the services on.
os.environ.setdefault(
    "DATABASE_URL",
    f"postgis://postgres@127.0.0.1:{os.environ.get('TRIAGE_PG_PORT', '54329')}/triage",
)
os.environ.setdefault(
    "REDIS_URL", f"redis://127.0.0.1:{os.environ.get('TRIAGE_REDIS_PORT', '63799')}/1"
)

from config.settings.base import *  # noqa: F403
from config.settings.base import BASE_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / ".local" / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Teammates and CI jobs running the suite side by side each pass their own test database name,
# so one run never drops another's database.
if os.environ.get("TRIAGE_TEST_DB"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TRIAGE_TEST_DB"]}  # noqa: F405
