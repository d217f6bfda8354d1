"""The test suite: the same local services as development, a separate database
(pytest-django creates test_<name>) and separate Redis databases.

The settings read nothing else from the environment: a variable exported in a developer's
shell (LLM_BASE_URL for the demo, a LOG_LEVEL, GEO_DATASET_RULES ...) must not change what
the suite runs with, so every setting not pinned here takes base's default. Deliberate
inputs are the services' ports (TRIAGE_PG_PORT, TRIAGE_REDIS_PORT), the test database's
name (TRIAGE_TEST_DB), and the variables a test names in TRIAGE_TEST_SETTINGS_FROM_ENV when
it starts a process of its own with settings of its own (tests/worker.py).
"""

import os

from config.env import reading_only

_PG_PORT = os.environ.get("TRIAGE_PG_PORT", "54329")
_REDIS = f"redis://127.0.0.1:{os.environ.get('TRIAGE_REDIS_PORT', '63799')}"
TEST_ENVIRONMENT = {
    "DJANGO_SECRET_KEY": "test-only-not-secret",
    "DATABASE_URL": f"postgis://postgres@127.0.0.1:{_PG_PORT}/triage",
    "REDIS_URL": f"{_REDIS}/1",
    # The rate-limit counters, apart from the queues; each test has its own key prefix
    # (tests/conftest.py), so runs side by side never share a counter.
    "CACHE_REDIS_URL": f"{_REDIS}/6",
}
_PASSED = [
    name.strip()
    for name in os.environ.get("TRIAGE_TEST_SETTINGS_FROM_ENV", "").split(",")
    if name.strip()
]
TEST_ENVIRONMENT.update({name: os.environ[name] for name in _PASSED if name in os.environ})

with reading_only(TEST_ENVIRONMENT):
    from config.settings.base import *  # noqa: F403
    from config.settings.base import BASE_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / ".local" / "test-media"
STORAGES = {
    # The filesystem (MEDIA_ROOT above), unless a process a test starts is handed
    # DOCUMENT_STORAGE=s3 and its bucket (tests/object_storage.py).
    "default": STORAGES["default"],  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Teammates and CI jobs running the suite side by side each pass their own test database name,
# so one run never drops another's database.
if os.environ.get("TRIAGE_TEST_DB"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TRIAGE_TEST_DB"]}  # noqa: F405
