"""Which settings a process runs with when DJANGO_SETTINGS_MODULE is not set.

manage.py, the Celery app and the WSGI app all ask here, so one rule holds for all three:
only a development checkout falls back to config.settings.local (DEBUG on, a secret key
everyone knows). A development checkout is a git working copy (`.git` beside manage.py) on
a machine that has not declared itself production with TRIAGE_ENVIRONMENT=production.
Anywhere else the process stops, saying what to set, rather than guessing.
"""

import os
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parent.parent
DEVELOPMENT_SETTINGS = "config.settings.local"


def is_development_checkout() -> bool:
    if os.environ.get("TRIAGE_ENVIRONMENT", "").strip().lower() == "production":
        return False
    return (ROOT / ".git").exists()


def choose_settings_module() -> None:
    """Leave an explicit DJANGO_SETTINGS_MODULE alone; otherwise default it or refuse."""
    if os.environ.get("DJANGO_SETTINGS_MODULE"):
        return
    if not is_development_checkout():
        raise ImproperlyConfigured(
            "DJANGO_SETTINGS_MODULE is not set: set it to config.settings.production (or "
            "another module under config.settings); only a development checkout falls back "
            f"to {DEVELOPMENT_SETTINGS}."
        )
    os.environ["DJANGO_SETTINGS_MODULE"] = DEVELOPMENT_SETTINGS


# The status a refusal exits with: gunicorn's "application failed to load", on which its
# master stops rather than starting workers again and again (any other status does that).
REFUSED_EXIT_STATUS = 4


def settings_module_or_exit() -> None:
    """choose_settings_module for an entry point: a refusal stops the process in one line.

    The Celery app calls it on import, and `config` imports the Celery app, so this runs
    first in every process that loads our code: manage.py, a worker, a WSGI server.
    """
    try:
        choose_settings_module()
    except ImproperlyConfigured as error:
        print(f"Not starting: {error}", file=sys.stderr)
        raise SystemExit(REFUSED_EXIT_STATUS) from None
