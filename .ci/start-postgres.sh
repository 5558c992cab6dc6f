#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on a loopback port, as a non-root user, in a
# temporary folder. Prints the database URL on its last line. Stop it with:
#   su postgres -c "pg_ctl -D <dir> stop"   (the folder is printed too)
set -euo pipefail
PORT="${PGPORT_TEST:-55432}"
# Take the first free loopback port from there, so a cluster left running does not clash.
while (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do PORT=$((PORT + 1)); done
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [ -z "$PGBIN" ]; then echo "PostgreSQL server binaries not found" >&2; exit 1; fi
RUN_AS="postgres"
id "$RUN_AS" >/dev/null 2>&1 || useradd --system --create-home "$RUN_AS"
DIR="$(mktemp -d /tmp/cwp-pg.XXXXXX)"
chown "$RUN_AS" "$DIR"
as_pg() { if [ "$(id -un)" = "$RUN_AS" ]; then "$@"; else su "$RUN_AS" -s /bin/bash -c "$(printf '%q ' "$@")"; fi; }
as_pg "$PGBIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres cwp_test
echo "PostgreSQL data folder: $DIR/data" >&2
echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/cwp_test"
