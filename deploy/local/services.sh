#!/usr/bin/env bash
# Project-local PostgreSQL 15 + PostGIS and Redis, on loopback, non-default ports,
# with all their data under .local/ (git-ignored). A developer's own servers are
# never touched.   Usage: services.sh start|stop|status
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
STATE="$ROOT/.local"
PG_BIN="/usr/lib/postgresql/15/bin"
PG_DATA="$STATE/postgres"
PG_PORT="${TRIAGE_PG_PORT:-54329}"
REDIS_DIR="$STATE/redis"
REDIS_PORT="${TRIAGE_REDIS_PORT:-63799}"
DB_NAME="triage"

# initdb and the server refuse to run as root: use the postgres account when we are root.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_running() { as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; }
redis_running() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; }

start_postgres() {
  mkdir -p "$STATE"
  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    mkdir -p "$PG_DATA"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DATA" "$STATE"
    as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$STATE"
  if ! pg_running; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w start \
      -o "-p $PG_PORT -k $PG_DATA -c listen_addresses=127.0.0.1" >/dev/null
  fi
  if ! psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB_NAME'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE $DB_NAME"
  fi
  # Created in template1 too, so the test database pytest-django creates has it.
  for db in template1 "$DB_NAME"; do
    psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$db" -qc "CREATE EXTENSION IF NOT EXISTS postgis" 2>/dev/null
  done
  echo "PostgreSQL + PostGIS on 127.0.0.1:$PG_PORT (data in .local/postgres)"
}

start_redis() {
  mkdir -p "$REDIS_DIR"
  if ! redis_running; then
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --dir "$REDIS_DIR" \
      --logfile "$REDIS_DIR/redis.log" --pidfile "$REDIS_DIR/redis.pid" --save "" --appendonly no
    for _ in $(seq 50); do redis_running && break; sleep 0.1; done
  fi
  echo "Redis on 127.0.0.1:$REDIS_PORT"
}

stop_all() {
  if [ -s "$PG_DATA/PG_VERSION" ] && pg_running; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null && echo "PostgreSQL stopped"
  fi
  if redis_running; then
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    echo "Redis stopped"
  fi
}

case "${1:-}" in
  start) start_postgres; start_redis ;;
  stop) stop_all ;;
  status)
    pg_running && echo "PostgreSQL: running on $PG_PORT" || echo "PostgreSQL: stopped"
    redis_running && echo "Redis: running on $REDIS_PORT" || echo "Redis: stopped" ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
