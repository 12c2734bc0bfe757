#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server (Debian's `postgresql` package) for the journal tests:
# a fresh cluster in a temporary directory, owned by the `postgres` user, listening on
# 127.0.0.1 only, trust authentication for local connections (test data only).
#
#   eval "$(scripts/pg-test-server.sh start)"   # exports TACHYON_TEST_PG_URL
#   scripts/pg-test-server.sh stop
#
# Port: $TACHYON_PG_PORT (default 54329). Data: $TACHYON_PG_DIR (default /tmp/tachyon-pg-<port>).
set -euo pipefail
PORT="${TACHYON_PG_PORT:-54329}"
DIR="${TACHYON_PG_DIR:-/tmp/tachyon-pg-$PORT}"
BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [ -z "$BIN" ]; then echo "PostgreSQL is not installed: apt-get install -y postgresql" >&2; exit 1; fi
AS=()
if [ "$(id -u)" -eq 0 ]; then AS=(runuser -u postgres --); fi

case "${1:-start}" in
  start)
    if [ -f "$DIR/postmaster.pid" ] && "${AS[@]}" "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
      :
    else
      rm -rf "$DIR"; mkdir -p "$DIR"
      [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$DIR"
      "${AS[@]}" "$BIN/initdb" -D "$DIR" -U postgres --auth=trust --encoding=UTF8 --locale=C >/dev/null
      "${AS[@]}" "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c max_connections=50" start >/dev/null
      "${AS[@]}" "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres tachyon_test
    fi
    echo "export TACHYON_TEST_PG_URL=postgres://postgres@127.0.0.1:$PORT/tachyon_test"
    ;;
  stop)
    if [ -d "$DIR" ]; then "${AS[@]}" "$BIN/pg_ctl" -D "$DIR" -m fast stop >/dev/null 2>&1 || true; rm -rf "$DIR"; fi
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
