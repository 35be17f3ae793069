#!/usr/bin/env bash
# A throwaway PostgreSQL + PostGIS server for the store tests (make test, CI).
#
# Installs Debian's postgresql and postgis packages when they are missing (as root), creates a
# cluster in a throwaway folder (MAPAPP_PG_DIR, default $TMPDIR/mapapp-test-pg), starts it on
# 127.0.0.1:MAPAPP_PG_PORT (default 54329) as a non-root user, creates the role and database
# "mapapp_test" with PostGIS, and prints the URL for MAPAPP_TEST_DATABASE_URL on stdout (all other
# output goes to stderr). Idempotent: a server already running there is reused.
#   export MAPAPP_TEST_DATABASE_URL="$(bash scripts/start_postgres.sh)"
#   bash scripts/start_postgres.sh stop
set -euo pipefail

PORT="${MAPAPP_PG_PORT:-54329}"
DIR="${MAPAPP_PG_DIR:-${TMPDIR:-/tmp}/mapapp-test-pg}"
DB=mapapp_test
URL="postgresql://${DB}@127.0.0.1:${PORT}/${DB}"
log() { echo "start_postgres: $*" >&2; }

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

install_packages() {
  local bin; bin="$(bindir)"
  if [ -n "$bin" ] && ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then
    return 0
  fi
  if [ "$(id -u)" != 0 ]; then
    log "PostgreSQL/PostGIS fehlen und dieses Skript läuft nicht als root:"
    log "  sudo apt-get install -y postgresql postgresql-postgis"
    return 1
  fi
  log "installing postgresql and postgis (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  # postgresql-postgis is PostGIS for Debian's default PostgreSQL (postgresql-NN-postgis-3).
  apt-get install -y -qq --no-install-recommends postgresql postgresql-postgis >&2
}

# Run a command as the server's owner (root may not run PostgreSQL).
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  install_packages
  local bin; bin="$(bindir)"
  if as_owner "$bin/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
    log "server in $DIR is running"
  else
    if [ ! -f "$DIR/data/PG_VERSION" ]; then
      rm -rf "$DIR"
      mkdir -p "$DIR"
      [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
      as_owner "$bin/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >&2
    fi
    as_owner "$bin/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c max_connections=200" >&2
  fi
  export PGOPTIONS="--client-min-messages=warning"
  local psql=("$bin/psql" -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qtA)
  if [ -z "$("${psql[@]}" -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB'")" ]; then
    "${psql[@]}" -d postgres -c "CREATE ROLE $DB LOGIN" >&2
  fi
  if [ -z "$("${psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]; then
    "${psql[@]}" -d postgres -c "CREATE DATABASE $DB OWNER $DB" >&2
  fi
  "${psql[@]}" -d "$DB" -c "CREATE EXTENSION IF NOT EXISTS postgis" >&2
  echo "$URL"
}

stop() {
  local bin; bin="$(bindir)"
  [ -n "$bin" ] && as_owner "$bin/pg_ctl" -D "$DIR/data" -m fast stop >&2 || true
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) log "usage: $0 [start|stop]"; exit 2 ;;
esac
