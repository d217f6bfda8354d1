"""Settings shared by every environment. Values that differ per deployment come
from the environment through config.env, which fails loudly on a bad value."""

import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.document_storage import document_storage
from config.env import (
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_json_object,
    env_list,
    env_log_level,
    env_matching,
    env_str,
    env_url,
)
from geo.datasets import parse_rule_overrides

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Secrets (secret=True) may come from a file instead: DJANGO_SECRET_KEY_FILE=/run/secrets/...
SECRET_KEY = env_str("DJANGO_SECRET_KEY", secret=True)
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django.contrib.gis",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "leases",
    "planning",
    "geo",
    "policies",
    "triage",
    "dashboard",
    "demo",
    "benchmarks",
]

MIDDLEWARE = [
    # First, so it times and counts every answer, whatever answered it (config.metrics).
    "config.metrics.HttpMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Each request's id (and the officer's council) on every log line (config.log_context).
    "config.log_context.RequestIdMiddleware",
    # Names the person behind each change in the edit history (planning.history).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A database or document storage that did not answer: a 503 page, not a 500 (config.errors).
    "config.errors.TransientFaultMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
# Form widgets render from templates/ too (GOV.UK's date input).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dashboard.context.service",
            ],
        },
    },
]

DATABASE_URL = env_url("DATABASE_URL", schemes=("postgis", "postgres", "postgresql"), secret=True)
# Each web or worker process keeps at most one connection per thread, reused for
# DATABASE_CONN_MAX_AGE seconds and checked before reuse, so a database restart costs one
# failed check, not a failed request. Gunicorn's sync workers bound the count (one each).
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
# Whatever scheme the operator used, the engine must be PostGIS.
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "planning.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/sign-in/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/sign-in/"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=300)  # a working day
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# Sign-in lock-out (django-axes): after this many failures for one username from one address,
# that pair is refused until the cool-off ends or an administrator resets it.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_float("AXES_COOLOFF_HOURS", 0.25, minimum=0.01)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "dashboard/locked_out.html"
AXES_VERBOSE = False

# Edit history (docs/decisions/0009): read in the admin, never reverted from it; changes go
# through the admin's own forms and the services.
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- The officers' and managers' pages ---------------------------------------
SERVICE_NAME = env_str("SERVICE_NAME", "Planning triage")
# The header's colour when a council has not set its own (Council.brand_colour).
DEFAULT_BRAND_COLOUR = env_matching(
    "DEFAULT_BRAND_COLOUR", "#1d70b8", pattern=r"#[0-9a-fA-F]{6}", example="#1d70b8"
)
# A map tile server on the council's network ({z}/{x}/{y} URL). Empty: a plain background.
# Any order of the placeholders: some servers put {y} before {x}.
MAP_TILE_URL = env_matching(
    "MAP_TILE_URL",
    "",
    pattern=r"(https?://[^/\s]+/(?=\S*\{z\})(?=\S*\{x\})(?=\S*\{y\})\S+)?",
    example="https://tiles.example.gov.uk/{z}/{x}/{y}.png, or empty for a plain background",
)
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")
QUEUE_PAGE_SIZE = env_int("QUEUE_PAGE_SIZE", 50, minimum=5)
# Under this many days to the determination deadline, an application is "at risk".
AT_RISK_DAYS = env_int("AT_RISK_DAYS", 10, minimum=1)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Front-end packages come from node_modules (npm ci from package-lock.json) and the compiled
# stylesheet from .local/frontend (deploy/local/build-frontend.sh); no bundler, no CDN.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk", NODE_MODULES / "govuk-frontend" / "dist" / "govuk"),
    ("moj", NODE_MODULES / "@ministryofjustice" / "frontend" / "moj"),
    ("leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("build", BASE_DIR / ".local" / "frontend"),
]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
# Documents and finished exports: this host's MEDIA_ROOT, or an S3-compatible bucket every
# host shares (DOCUMENT_STORAGE, config.document_storage).
STORAGES = {
    "default": document_storage(),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# GDAL 3.6 on Debian 12 is older than Django 5.2 would like; it works for our use.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# --- Redis and Celery -------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", schemes=("redis", "rediss"), secret=True)
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task not acknowledged within this time is delivered again (Redis transport).
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, float] = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=10)
}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)

# The cache holds only what may be lost (the API's rate-limit counters). Give it a Redis
# database of its own with CACHE_REDIS_URL; by default it shares the broker's, under a prefix.
CACHE_REDIS_URL = env_url("CACHE_REDIS_URL", REDIS_URL, schemes=("redis", "rediss"), secret=True)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_REDIS_URL,
        "KEY_PREFIX": "triage",
        # A Redis that does not answer within a second fails the call rather than the
        # request waiting on it (the API's throttles then let requests through).
        "OPTIONS": {"socket_connect_timeout": 1.0, "socket_timeout": 1.0},
    }
}

# --- Constraint layers --------------------------------------------------------
# Per-dataset overrides of the buffers and graze thresholds in geo/datasets.py, e.g.
# {"listed-building": {"buffer_m": 30}}.
GEO_DATASET_RULES = env_json_object("GEO_DATASET_RULES", {}, parse=parse_rule_overrides)

# --- Model server (optional) ------------------------------------------------
# With no LLM_BASE_URL, the rules engine does all extraction.
LLM_BASE_URL = env_url("LLM_BASE_URL", "", schemes=("http", "https"))
LLM_MODEL = env_str("LLM_MODEL", "")
LLM_API_KEY = env_str("LLM_API_KEY", "", secret=True)
LLM_TIMEOUT_SECONDS = env_float("LLM_TIMEOUT_SECONDS", 60.0, minimum=0.1)
# Requests one worker process keeps in flight to the model server (documents and chunks are
# sent side by side up to this): size it to the server, e.g. vLLM's --max-num-seqs divided by
# the worker processes that share it.
LLM_MAX_CONCURRENCY = env_int("LLM_MAX_CONCURRENCY", 8, minimum=1)
# The client's own quick retries of a 429, 5xx or timeout (jittered backoff from this many
# seconds); past them the run's task retries later.
LLM_RETRIES = env_int("LLM_RETRIES", 2, minimum=0)
LLM_RETRY_BACKOFF_SECONDS = env_float("LLM_RETRY_BACKOFF_SECONDS", 0.5, minimum=0.0)
HEALTHCHECK_TIMEOUT_SECONDS = env_float("HEALTHCHECK_TIMEOUT_SECONDS", 2.0, minimum=0.1)

# --- Uploads ----------------------------------------------------------------
DOCUMENT_MAX_BYTES = env_int("DOCUMENT_MAX_BYTES", 50 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# What one document may ask of the workers, checked at upload (a 422 says which): 500 blank
# A0 pages fit in 63 KB and took an hour of OCR. A0 is 1 m²; the largest drawings are 2A0.
DOCUMENT_MAX_PAGES = env_int("DOCUMENT_MAX_PAGES", 500, minimum=1)
DOCUMENT_MAX_PAGE_AREA_M2 = env_float("DOCUMENT_MAX_PAGE_AREA_M2", 2.0, minimum=0.01)
# A scan as an image: an A1 sheet at 300 dpi is about 35 million pixels.
DOCUMENT_MAX_IMAGE_PIXELS = env_int("DOCUMENT_MAX_IMAGE_PIXELS", 60_000_000, minimum=10_000)

# --- Triage -----------------------------------------------------------------
# Which engine reads documents when a run does not name one: the model server when one is
# configured, otherwise the deterministic rules engine (which does the whole job on its own).
TRIAGE_DEFAULT_ENGINE = env_choice(
    "TRIAGE_DEFAULT_ENGINE", "llm" if LLM_BASE_URL else "rules", choices=("rules", "llm")
)
if TRIAGE_DEFAULT_ENGINE == "llm" and not (LLM_BASE_URL and LLM_MODEL):
    raise ImproperlyConfigured(
        "TRIAGE_DEFAULT_ENGINE=llm (the default once LLM_BASE_URL is set) needs the model "
        "server: set both LLM_BASE_URL (e.g. http://model-server:8000/v1) and LLM_MODEL (the "
        "served model's name), or set TRIAGE_DEFAULT_ENGINE=rules."
    )
TRIAGE_MAX_PAGES = env_int("TRIAGE_MAX_PAGES", DOCUMENT_MAX_PAGES, minimum=1)
TRIAGE_MAX_DOCUMENT_BYTES = env_int("TRIAGE_MAX_DOCUMENT_BYTES", DOCUMENT_MAX_BYTES, minimum=1024)
TRIAGE_OCR_ENABLED = env_bool("TRIAGE_OCR_ENABLED", True)
TRIAGE_OCR_DPI = env_int("TRIAGE_OCR_DPI", 200, minimum=72)
# OCR time for one document in all; scanned pages past it are left unread (and said so).
TRIAGE_OCR_BUDGET_SECONDS = env_float("TRIAGE_OCR_BUDGET_SECONDS", 180.0, minimum=1.0)
# A page is rendered at a lower resolution than TRIAGE_OCR_DPI when it would be larger than this.
TRIAGE_OCR_MAX_PIXELS = env_int("TRIAGE_OCR_MAX_PIXELS", 25_000_000, minimum=100_000)
# Scanned pages read at once (each by its own tesseract process).
TRIAGE_OCR_WORKERS = env_int("TRIAGE_OCR_WORKERS", 2, minimum=1)
# Each worker process's temporary files (OCR's page images) go to a folder of its own here;
# a process starting deletes those of processes no longer running (triage.scratch).
TRIAGE_SCRATCH_DIR = env_str(
    "TRIAGE_SCRATCH_DIR", str(Path(tempfile.gettempdir()) / "planning-triage-scratch")
)
# The longest the text layer of one PDF page may take to read; past it the page is OCR'd.
TRIAGE_TEXT_LAYER_PAGE_SECONDS = env_float("TRIAGE_TEXT_LAYER_PAGE_SECONDS", 10.0, minimum=0.1)
# Reading one document (its own task): the hard time limit, the soft limit a tenth earlier
# gives the document up with that reason; one whose reading kills its worker this many times is
# given up too.
TRIAGE_TEXT_TIME_LIMIT_SECONDS = env_int(
    "TRIAGE_TEXT_TIME_LIMIT_SECONDS", int(TRIAGE_OCR_BUDGET_SECONDS) + 120, minimum=2
)
TRIAGE_TEXT_MAX_ATTEMPTS = env_int("TRIAGE_TEXT_MAX_ATTEMPTS", 3, minimum=1)
# One reader per document holds a lease renewed every third of this; a reader whose worker
# died is replaced this long after its last renewal. A database outage up to about two thirds
# of it (a restart) leaves the reader in place.
TRIAGE_TEXT_LEASE_SECONDS = env_float("TRIAGE_TEXT_LEASE_SECONDS", 15.0, minimum=1.0)
# A run's claim is a lease of this length, renewed every third of it while the run works: a
# run whose worker died (killed, lost its database or broker) is taken over once it lapses.
# 15 s: with the sweep every 5 s a killed worker's run is taken over within about 20 s
# (docs/decisions/0019).
TRIAGE_RUN_LEASE_SECONDS = env_float("TRIAGE_RUN_LEASE_SECONDS", 15.0, minimum=1.0)
# The longest a run may work (Celery's hard time limit on the task; the soft limit, a tenth
# earlier, fails the run with that reason).
TRIAGE_RUN_TIME_LIMIT_SECONDS = env_int("TRIAGE_RUN_TIME_LIMIT_SECONDS", 900, minimum=2)
# A run taken over this many times (its workers keep dying on it) fails with that reason.
TRIAGE_RUN_MAX_ATTEMPTS = env_int("TRIAGE_RUN_MAX_ATTEMPTS", 5, minimum=1)
# A queued run whose task has not been picked up this long after it was sent is sent again
# (its message was lost with the broker); twice as long before each further resend.
TRIAGE_REENQUEUE_AFTER_SECONDS = env_float("TRIAGE_REENQUEUE_AFTER_SECONDS", 15.0, minimum=1.0)
# Database errors inside a task (a restart, a failover) are retried this many times, backing
# off to at most 30 s between tries.
TRIAGE_DATABASE_RETRIES = env_int("TRIAGE_DATABASE_RETRIES", 40, minimum=0)
TRIAGE_TASK_MAX_RETRIES = env_int("TRIAGE_TASK_MAX_RETRIES", 6, minimum=0)
TRIAGE_RETRY_BACKOFF_SECONDS = env_float("TRIAGE_RETRY_BACKOFF_SECONDS", 10.0, minimum=0.1)
# How often a worker sweeps for tasks whose worker died (unacknowledged past the visibility
# timeout) and delivers them again; each sweep is one cheap Redis query.
CELERY_BROKER_TRANSPORT_OPTIONS["unacked_restore_interval"] = env_float(
    "CELERY_RESTORE_INTERVAL_SECONDS", 10.0, minimum=0.5
)
CELERY_BROKER_TRANSPORT_OPTIONS["unacked_restore_throttle"] = 1
# The Celery queue triage runs are sent to (a deployment may give triage its own workers).
TRIAGE_TASK_QUEUE = env_matching(
    "TRIAGE_TASK_QUEUE", "celery", pattern=r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}", example="triage"
)
# Characters of document text per request to the model at most; longer documents are split
# between blocks and the findings merged. A chunk whose prompt, counted with the served model's
# tokenizer, leaves no room in its context for an answer is split further.
LLM_PROMPT_CHAR_BUDGET = env_int("LLM_PROMPT_CHAR_BUDGET", 24000, minimum=1000)
# The most tokens one answer may take. An answer's max_tokens is its schema's worst case
# (triage.llm_client.budget), about 700 tokens a finding: fewer findings are asked for per
# request when the worst case would pass this or what the context leaves.
LLM_MAX_OUTPUT_TOKENS = env_int("LLM_MAX_OUTPUT_TOKENS", 8192, minimum=64)
LLM_MAX_FINDINGS_PER_REQUEST = env_int("LLM_MAX_FINDINGS_PER_REQUEST", 25, minimum=1)
# Re-runs after a layer, policy or validation list changed: this many applications are
# started every interval, so a national reload never floods the workers or the model server.
TRIAGE_RERUN_BATCH = env_int("TRIAGE_RERUN_BATCH", 25, minimum=1)
TRIAGE_RERUN_INTERVAL_SECONDS = env_float("TRIAGE_RERUN_INTERVAL_SECONDS", 60.0, minimum=0.0)
# The recovery lane: the sweep, and the runs it takes over from dead workers, on a queue of
# their own with a worker of its own, so recovery never waits behind a busy triage queue
# (docs/decisions/0019). A deployment with one worker may name the triage queue here.
TRIAGE_RECOVERY_QUEUE = env_matching(
    "TRIAGE_RECOVERY_QUEUE",
    "triage-recovery",
    pattern=r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}",
    example="triage-recovery",
)
TRIAGE_RECOVER_EVERY_SECONDS = env_float("TRIAGE_RECOVER_EVERY_SECONDS", 5.0, minimum=1.0)
CELERY_BEAT_SCHEDULE = {
    "triage-recover-stuck-runs": {
        "task": "triage.tasks.recover_stuck_runs",
        "schedule": TRIAGE_RECOVER_EVERY_SECONDS,
        # A sweep that waited longer than two periods (its lane was down) is dropped: the
        # next one does the same work.
        "options": {
            "queue": TRIAGE_RECOVERY_QUEUE,
            "expires": 2 * TRIAGE_RECOVER_EVERY_SECONDS,
        },
    },
    # Finished exports are kept EXPORT_KEEP_HOURS, then their files are deleted.
    "dashboard-purge-expired-exports": {
        "task": "dashboard.tasks.purge_expired_exports",
        "schedule": 3600.0,
        "options": {"queue": TRIAGE_TASK_QUEUE},
    },
    # The queue's deadline bands (overdue, at risk ...) follow the calendar.
    "triage-refresh-deadline-bands": {
        "task": "triage.tasks.refresh_deadline_bands",
        "schedule": env_float("TRIAGE_DEADLINE_REFRESH_EVERY_SECONDS", 900.0, minimum=1.0),
        "options": {"queue": TRIAGE_TASK_QUEUE},
    },
}

# Managers' downloads larger than this many rows are made by a worker and fetched when ready
# (dashboard.exports): an XLSX workbook takes about 0.25 ms a row, a CSV about 0.02 ms.
EXPORT_BACKGROUND_ROWS = {
    "xlsx": env_int("EXPORT_XLSX_BACKGROUND_ROWS", 10_000, minimum=0),
    "csv": env_int("EXPORT_CSV_BACKGROUND_ROWS", 100_000, minimum=0),
}
# How long a finished export can be downloaded.
EXPORT_KEEP_HOURS = env_int("EXPORT_KEEP_HOURS", 24, minimum=1)

# Requests a council API key may make (planning.api.throttles): every API call, and apart
# from that, document uploads, which cost reading, OCR and triage work. A busy authority
# takes a few hundred applications a week with tens of documents each, sent as they arrive;
# even a back-office system catching up after an outage stays far below these. They stop a
# runaway loop or a misbehaving integration from crowding out everyone else.
_RATE = r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)"
API_THROTTLE_RATE = env_matching("API_THROTTLE_RATE", "1200/min", pattern=_RATE, example="1200/min")
API_UPLOAD_THROTTLE_RATE = env_matching(
    "API_UPLOAD_THROTTLE_RATE", "120/min", pattern=_RATE, example="120/min"
)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Every error as an RFC 9457 problem (application/problem+json).
    "EXCEPTION_HANDLER": "planning.api.problems.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Planning application triage API",
    "VERSION": "1.0.0",
    "DESCRIPTION": (
        "A council's systems send planning applications and their documents, and read back "
        "each application's triage. Every error is an RFC 9457 problem naming the field or "
        "parameter at fault. A query parameter an operation does not list is refused (400), "
        "so a misspelt filter is never silently ignored."
    ),
    # 3.1 is JSON Schema proper, which the pydantic models that validate payloads emit.
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# One JSON object a line (python-json-logger), with the request, council, application and run
# ids of what the line is about (config.log_context); LOG_FORMAT=plain for reading by eye.
LOG_FORMAT = env_choice("LOG_FORMAT", "json", choices=("json", "plain"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"ids": {"()": "config.log_context.ContextFilter"}},
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s "
            "[request=%(request_id)s council=%(council)s application=%(application)s "
            "run=%(run)s]"
        },
        "json": {
            "()": "config.log_context.IdsJsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(council)s "
            "%(application)s %(run)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["ids"]}
    },
    "root": {"handlers": ["console"], "level": env_log_level("LOG_LEVEL", "INFO")},
}
# Celery workers log through the same configuration, not a format of Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Metrics (config.metrics, triage.metrics) ----------------------------------
# The bearer token Prometheus sends to /metrics (and to the workers' exporters). Unset: no
# metrics endpoint at all. May be given as a file (METRICS_TOKEN_FILE).
METRICS_TOKEN = env_str("METRICS_TOKEN", "", secret=True)
# Where each Celery worker serves its host's metrics, "host:port" (empty: not served).
WORKER_METRICS_BIND = env_matching(
    "WORKER_METRICS_BIND", "", pattern=r"([^\s:]+:[0-9]{1,5})?", example="0.0.0.0:9101"
)
