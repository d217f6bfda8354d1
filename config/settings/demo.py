"""The demo (`make demo`): the project-local services as in development, served as in
production: no DEBUG (error pages show no settings), gunicorn, static files collected and
served by WhiteNoise with hashed names."""

import os

os.environ.setdefault("DJANGO_DEBUG", "false")

from config.settings.local import *  # noqa: F403
from config.settings.local import DEBUG

if DEBUG:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("The demo runs without DEBUG: unset DJANGO_DEBUG.")

STORAGES = {
    "default": STORAGES["default"],  # noqa: F405
    "staticfiles": {"BACKEND": "config.storage.StaticFilesStorage"},
}
