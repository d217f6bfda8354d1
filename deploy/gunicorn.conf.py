"""Gunicorn for the demo and production: `gunicorn -c deploy/gunicorn.conf.py config.wsgi`.

Sync workers, one request at a time each: with CONN_MAX_AGE every worker holds at most one
database connection, so the service holds at most WEB_CONCURRENCY (runserver held one per
request thread and, at 100, refused every request until restarted).
"""

import os

from prometheus_client import multiprocess

host = os.environ.get("TRIAGE_WEB_HOST", "127.0.0.1")
bind = f"{host}:{os.environ.get('TRIAGE_WEB_PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "sync"
threads = 1
# A request that takes longer is stopped (uploads are read as they arrive).
timeout = int(os.environ.get("WEB_TIMEOUT_SECONDS", "60"))
graceful_timeout = 30
# Each worker is replaced after this many requests, so a slow leak cannot build up.
max_requests = 1000
max_requests_jitter = 100
accesslog = "-"
errorlog = "-"
# The X-Forwarded-* headers of the reverse proxy in front (production) are trusted from:
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def child_exit(server, worker):
    """With PROMETHEUS_MULTIPROC_DIR set, every worker counts into that folder and /metrics
    adds them up (config.metrics); a worker that has gone stops counting in the live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
