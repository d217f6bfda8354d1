#!/bin/sh
# The container's roles: the first argument says which (Containerfile, README.md).
set -eu
cd "$(dirname "$0")/../.."  # the checkout (/app in the image)
role="${1:-web}"
case "$role" in
  web|worker|recovery)
    # Several processes (gunicorn workers, Celery's children) count into one folder that
    # /metrics adds up (config.metrics); emptied at each start, as systemd's RuntimeDirectory.
    export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-/tmp/triage-metrics}"
    rm -rf "$PROMETHEUS_MULTIPROC_DIR"
    mkdir -p "$PROMETHEUS_MULTIPROC_DIR" ;;
esac
case "$role" in
  web)
    exec gunicorn -c deploy/gunicorn.conf.py config.wsgi ;;
  worker)
    exec celery -A config worker --pool=prefork --concurrency="${TRIAGE_WORKER_CONCURRENCY:-2}" \
      --queues="${TRIAGE_TASK_QUEUE:-triage}" --hostname="triage@$(hostname)" \
      --without-gossip --without-mingle --loglevel=INFO ;;
  recovery)
    exec celery -A config worker --pool=prefork --concurrency=1 \
      --queues="${TRIAGE_RECOVERY_QUEUE:-triage-recovery}" --hostname="recovery@$(hostname)" \
      --without-gossip --without-mingle --loglevel=INFO ;;
  beat)
    exec celery -A config beat --loglevel=INFO --schedule=/tmp/celerybeat-schedule ;;
  migrate)
    exec python manage.py migrate --noinput ;;
  manage)
    shift
    exec python manage.py "$@" ;;
  *)
    echo "Unknown role '$role': web, worker, recovery, beat, migrate or manage <command>." >&2
    exit 2 ;;
esac
