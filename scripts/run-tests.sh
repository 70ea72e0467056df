#!/usr/bin/env bash
# Runs the whole suite on SQLite and on a throwaway PostgreSQL cluster owned by this run (its own
# data directory and port on 127.0.0.1), side by side, and stops the cluster at the end, even on failure.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$pg_bin" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)"; exit 1; }
pg_dir=$(mktemp -d /tmp/kpi-pg.XXXXXX)
pg_port=${PG_PORT:-$(( 20000 + RANDOM % 20000 ))}
run_as=()
if [ "$(id -u)" -eq 0 ]; then
  # initdb refuses to run as root: the cluster belongs to the postgres system user.
  chown postgres "$pg_dir"
  run_as=(runuser -u postgres --)
fi

stop_cluster() {
  "${run_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}
trap stop_cluster EXIT INT TERM

"${run_as[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U kpi --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null || exit 1
"${run_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
  -o "-h 127.0.0.1 -p $pg_port -k $pg_dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$pg_dir/log"; exit 1; }
"${run_as[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U kpi kpi_tracker || exit 1

# The two passes run side by side, one a core (pytest uses one): each has its own database and
# its own VAR_DIR (media, static, file cache), and writes to its own log, shown when both are done.
status=0
echo "=== Test suite on SQLite and on PostgreSQL (127.0.0.1:$pg_port), side by side"
DATABASE_URL="sqlite:///$pg_dir/sqlite.db" VAR_DIR="$pg_dir/var-sqlite" \
  $PY -m pytest -p no:cacheprovider "$@" >"$pg_dir/sqlite.log" 2>&1 &
sqlite_pid=$!
DATABASE_URL="postgres://kpi@127.0.0.1:$pg_port/kpi_tracker" VAR_DIR="$pg_dir/var-postgres" \
  $PY -m pytest -p no:cacheprovider "$@" >"$pg_dir/postgres.log" 2>&1 || status=1
wait "$sqlite_pid" || status=1
echo "=== Test suite on SQLite ==="
cat "$pg_dir/sqlite.log"
echo "=== Test suite on PostgreSQL (127.0.0.1:$pg_port) ==="
cat "$pg_dir/postgres.log"
exit $status
