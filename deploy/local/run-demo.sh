#!/usr/bin/env bash
# The web app and a Celery worker in the foreground; Ctrl-C stops both.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
# The demo runs as production does: no DEBUG, gunicorn, collected static files.
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.demo}"
PY="$ROOT/.venv/bin/python"
export TRIAGE_WEB_PORT="${TRIAGE_WEB_PORT:-8000}"
PORT="$TRIAGE_WEB_PORT"
mkdir -p .local/logs
export STATIC_ROOT="${STATIC_ROOT:-$ROOT/.local/static}"
"$PY" manage.py collectstatic --noinput -v 0

"$PY" manage.py migrate --noinput
"$PY" manage.py load_demo
"$PY" manage.py load_demo_constraints --no-progress
"$PY" manage.py load_policies                 # the NPPF and the demo councils' policies
"$PY" manage.py load_validation_requirements  # the national and the councils' local lists
"$PY" manage.py seed_demo  # prints how many applications it seeded (none once seeded)

# Each process is kept running by deploy/local/supervise.py, as systemd keeps them in
# production: a worker that dies (killed, out of memory) is started again, and it says so.
SUPERVISE=("$PY" deploy/local/supervise.py)
mkdir -p .local/run
"${SUPERVISE[@]}" worker --pid-file .local/run/worker.pid -- \
  "$ROOT/.venv/bin/celery" -A config worker --loglevel=INFO --concurrency=2 \
  --hostname="triage-demo@%h" &
WORKER_PID=$!
# The recovery lane (docs/decisions/0019): the sweep, and the runs it takes over from a dead
# worker, never wait behind the busy triage queue. --beat schedules the sweep; in production
# run one `celery beat` beside the workers instead.
"${SUPERVISE[@]}" recovery --pid-file .local/run/recovery.pid -- \
  "$ROOT/.venv/bin/celery" -A config worker --beat --loglevel=INFO --concurrency=1 \
  --queues=triage-recovery --hostname="triage-recovery@%h" \
  --schedule="$ROOT/.local/celerybeat-schedule" &
RECOVERY_PID=$!
"${SUPERVISE[@]}" web --pid-file .local/run/web.pid -- \
  "$ROOT/.venv/bin/gunicorn" -c deploy/gunicorn.conf.py config.wsgi &
WEB_PID=$!

stop() {
  trap - INT TERM EXIT
  echo; echo "Stopping web app and worker..."
  kill -TERM "$WEB_PID" "$WORKER_PID" "$RECOVERY_PID" 2>/dev/null || true
  wait "$WEB_PID" "$WORKER_PID" "$RECOVERY_PID" 2>/dev/null || true
}
trap stop INT TERM EXIT

cat <<BANNER

  Planning triage is running.
    Web:      http://127.0.0.1:$PORT/
    Health:   http://127.0.0.1:$PORT/healthz
    Admin:    http://127.0.0.1:$PORT/admin/
    API:      http://127.0.0.1:$PORT/api/v1/docs/  (a key: .venv/bin/python manage.py create_api_key E09000028 --name "demo portal")
  Logins are listed above (demo data only). A worker or the web app that dies is started
  again (and the log says so). Ctrl-C stops the web app and workers; 'make stop' stops
  PostgreSQL and Redis.

BANNER
wait -n "$WEB_PID" "$WORKER_PID" "$RECOVERY_PID"
