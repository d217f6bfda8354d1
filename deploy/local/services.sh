#!/usr/bin/env bash
# Project-local PostgreSQL 15 + PostGIS and Redis, on loopback, non-default ports,
# with all their data under .local/ (git-ignored). A developer's own servers are
# never touched.   Usage: services.sh start|stop|status
#
# Run as root, PostgreSQL runs as the postgres account (it refuses root). If that account
# cannot reach the checkout (a private home such as /root, mode 700), the cluster lives in
# the postgres account's home instead, in a folder named after the checkout, recorded in
# .local/postgres-location so later starts and stops find it.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="$ROOT/.local"
PG_BIN="/usr/lib/postgresql/15/bin"
PG_LOCATION_FILE="$STATE/postgres-location"
PG_DATA="$STATE/postgres"
[ -s "$PG_LOCATION_FILE" ] && PG_DATA="$(cat "$PG_LOCATION_FILE")"
PG_PORT="${TRIAGE_PG_PORT:-54329}"
REDIS_DIR="$STATE/redis"
REDIS_PORT="${TRIAGE_REDIS_PORT:-63799}"
DB_NAME="triage"

# initdb and the server refuse to run as root: use the postgres account when we are root.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The first folder on the way to $1 (itself included) that the postgres account cannot
# enter; nothing, and a non-zero status, when it can reach $1.
first_unreachable() {
  local path="" part
  local -a parts
  IFS=/ read -ra parts <<<"$1"
  for part in "${parts[@]}"; do
    [ -n "$part" ] || continue
    path="$path/$part"
    if ! runuser -u postgres -- test -x "$path"; then
      echo "$path"
      return 0
    fi
  done
  return 1
}

# Fails with what is wrong and how to fix it when the postgres account cannot use $1
# (an existing folder) as its data folder.
check_pg_reachable() {
  local data="$1" blocked
  [ "$(id -u)" = 0 ] || return 0
  blocked="$(first_unreachable "$data")" || return 0
  cat >&2 <<MESSAGE
PostgreSQL cannot use its data folder $data:
the postgres account, which runs the server (PostgreSQL refuses to run as root), cannot enter
$blocked ($(stat -c '%A, owned by %U' "$blocked")).
Fix one of these ways, then run the set-up again:
  - let the account pass through it (enter, not list):  chmod o+x $blocked
  - or move the checkout to a folder other accounts can enter (/srv, /opt, /home/...)
  - or, if the database there holds nothing you need, delete it: rm -rf $data
    (the set-up then makes a new one where the postgres account can reach it)
MESSAGE
  return 1
}

# Root's cluster, when the postgres account cannot reach the checkout: in that account's
# home (not /tmp or /var/tmp, whose cleaners remove old files), one folder per checkout.
relocate_pg_data() {
  local home blocked
  blocked="$(first_unreachable "$ROOT")" || return 0
  home="$(getent passwd postgres | cut -d: -f6)"
  PG_DATA="${home:-/var/lib/postgresql}/triage-$(basename "$ROOT")-$(printf %s "$ROOT" | sha256sum | cut -c1-8)"
  echo "$PG_DATA" >"$PG_LOCATION_FILE"
  echo "The postgres account cannot enter $blocked: PostgreSQL's data goes to $PG_DATA"
  echo "(recorded in .local/postgres-location; 'make stop' and later starts use it)."
}

pg_running() { as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; }
redis_running() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; }

start_postgres() {
  mkdir -p "$STATE"
  if [ "$(id -u)" = 0 ] && [ ! -s "$PG_DATA/PG_VERSION" ] && [ ! -s "$PG_LOCATION_FILE" ]; then
    relocate_pg_data
  fi
  if [ "$(id -u)" = 0 ] && [ "$PG_DATA" = "$STATE/postgres" ]; then
    chown postgres:postgres "$STATE"  # so the account can pass through .local whatever the umask
  fi
  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    mkdir -p "$PG_DATA"
    if [ "$(id -u)" = 0 ]; then
      chown postgres:postgres "$PG_DATA"
      chmod 700 "$PG_DATA"
    fi
    check_pg_reachable "$PG_DATA"
    as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  check_pg_reachable "$PG_DATA"
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
  echo "PostgreSQL + PostGIS on 127.0.0.1:$PG_PORT (data in ${PG_DATA#"$ROOT"/})"
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
    # Only this checkout's own Redis: another checkout's may answer on the same port.
    local dir
    dir="$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" config get dir 2>/dev/null | sed -n 2p)"
    if [ "$dir" = "$(cd "$REDIS_DIR" 2>/dev/null && pwd -P)" ]; then
      redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
      echo "Redis stopped"
    else
      echo "Redis on $REDIS_PORT is not this checkout's (its folder: ${dir:-unknown}); left running"
    fi
  fi
}

main() {
  case "${1:-}" in
    start) start_postgres; start_redis ;;
    stop) stop_all ;;
    status)
      pg_running && echo "PostgreSQL: running on $PG_PORT" || echo "PostgreSQL: stopped"
      redis_running && echo "Redis: running on $REDIS_PORT" || echo "Redis: stopped" ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
  esac
}

# Sourced (by a test of its functions), it only defines them.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
fi
