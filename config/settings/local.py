"""Development and demo: the project-local PostgreSQL and Redis started by `make demo`."""

import os

# The defaults match deploy/local/services.sh; set the variables to point elsewhere.
os.environ.setdefault("DJANGO_SECRET_KEY", "local-development-only-not-secret")
os.environ.setdefault("DJANGO_DEBUG", "true")
# One variable per fact: the ports deploy/local/services.sh starts the services on.
os.environ.setdefault(
    "DATABASE_URL",
    f"postgis://postgres@127.0.0.1:{os.environ.get('TRIAGE_PG_PORT', '54329')}/triage",
)
os.environ.setdefault(
    "REDIS_URL", f"redis://127.0.0.1:{os.environ.get('TRIAGE_REDIS_PORT', '63799')}/0"
)

from config.settings.base import *  # noqa: F403
