"""Development and demo: the project-local PostgreSQL and Redis started by `make demo`."""

import os

from config.env import set_default

# The defaults match deploy/local/services.sh; set the variables to point elsewhere.
set_default("DJANGO_SECRET_KEY", "local-development-only-not-secret")
set_default("DJANGO_DEBUG", "true")
# One variable per fact: the ports deploy/local/services.sh starts the services on.
set_default(
    "DATABASE_URL",
    f"postgis://postgres@127.0.0.1:{os.environ.get('TRIAGE_PG_PORT', '54329')}/triage",
)
if "REDIS_URL" not in os.environ and "REDIS_URL_FILE" not in os.environ:
    _REDIS = f"redis://127.0.0.1:{os.environ.get('TRIAGE_REDIS_PORT', '63799')}"
    os.environ["REDIS_URL"] = f"{_REDIS}/0"
    # The cache in a database of its own, so clearing it never touches the queues.
    set_default("CACHE_REDIS_URL", f"{_REDIS}/2")

from config.settings.base import *  # noqa: E402, F403
