#!/usr/bin/env bash
# `make bench`: the pages of the synthetic nation under wrk, beside static files of the same size.
#
# A throwaway PostgreSQL cluster (its own data directory and random port on 127.0.0.1, as
# scripts/run-tests.sh starts one; fsync, synchronous_commit and full_page_writes off: they speed
# up loading the data, and the page benchmark reads, so they hardly touch its numbers), migrated;
# generate_demo_data at BENCH_SCALE (default 1: 1,741 plans × 300 KPIs × 10 years) and
# recompute_progress --all --jobs 2, both timed, each followed by VACUUM (ANALYZE); collectstatic;
# the static twins written (python -m benchmarks pages-prepare); gunicorn with production settings and two workers
# (deploy/gunicorn.conf.py); wrk (python -m benchmarks pages), writing
# benchmarks/results/<date>-<scale>.md and latest.json. gunicorn and the cluster are stopped at
# the end, even on failure or Ctrl-C. Every step is bounded (timeout).
#
# Settings: BENCH_SCALE (default 1), BENCH_SECONDS (wrk's run, default 10 at full scale, 5 below;
# four runs a page), BENCH_PORT (gunicorn, default random), PG_PORT.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=$PWD/.venv/bin/python

export BENCH_SCALE=${BENCH_SCALE:-1}
if [ -z "${BENCH_SECONDS:-}" ]; then
  BENCH_SECONDS=$($PY -c "import sys; print(10 if float(sys.argv[1]) >= 1 else 5)" "$BENCH_SCALE")
fi
export BENCH_SECONDS
municipalities=$($PY -c "import sys; print(max(1, round(1741 * float(sys.argv[1]))))" "$BENCH_SCALE")

command -v wrk >/dev/null || { echo "wrk not found (make bench-packages, or apt-get install wrk)"; exit 1; }
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$pg_bin" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)"; exit 1; }

work=$(mktemp -d /tmp/kpi-bench.XXXXXX)
chmod 755 "$work"
pg_dir=$work/pg
mkdir "$pg_dir"
pg_port=${PG_PORT:-$(( 20000 + RANDOM % 20000 ))}
port=${BENCH_PORT:-$(( 40000 + RANDOM % 20000 ))}
run_as=()
if [ "$(id -u)" -eq 0 ]; then
  # initdb refuses to run as root: the cluster belongs to the postgres system user.
  chown postgres "$pg_dir"
  run_as=(runuser -u postgres --)
fi

gunicorn_pid=""
cleanup() {
  if [ -n "$gunicorn_pid" ]; then
    kill -TERM "$gunicorn_pid" 2>/dev/null || true
    wait "$gunicorn_pid" 2>/dev/null || true
  fi
  "${run_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
vacuum() { "${run_as[@]}" "$pg_bin/vacuumdb" -h 127.0.0.1 -p "$pg_port" -U kpi --analyze --quiet kpi_tracker; }
since() { $PY -c "import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 1))" "$1" "$(now)"; }

echo "=== make bench: BENCH_SCALE=$BENCH_SCALE ($municipalities plans), wrk ${BENCH_SECONDS}s a run, in $work"
started=$(now)
"${run_as[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U kpi --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${run_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
  -o "-h 127.0.0.1 -p $pg_port -k $pg_dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$pg_dir/log"; exit 1; }
"${run_as[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U kpi kpi_tracker

# Production settings, with plain http on 127.0.0.1 (no TLS redirect, no HSTS), the database cache
# (CACHE_URL unset: db://, as deployed), and no worker recycling during the measurement (a worker
# replaced every max_requests would re-import Django inside the runs; GUNICORN_MAX_REQUESTS to change).
export DEBUG=0 SECRET_KEY=bench-local-only-not-a-secret ALLOWED_HOSTS=127.0.0.1 \
  SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0 AXES_ENABLED=0 LOG_LEVEL=WARNING \
  VAR_DIR="$work/var" DATABASE_URL="postgres://kpi@127.0.0.1:$pg_port/kpi_tracker" \
  GUNICORN_BIND="127.0.0.1:$port" GUNICORN_WORKERS=${GUNICORN_WORKERS:-2} \
  GUNICORN_MAX_REQUESTS=${GUNICORN_MAX_REQUESTS:-0} \
  BENCH_WORK="$work" BENCH_HOST="127.0.0.1:$port" BENCH_BASE_URL="http://127.0.0.1:$port"
mkdir -p "$VAR_DIR"

timeout 600 $PY manage.py migrate --noinput -v0
timeout 120 $PY manage.py createcachetable

echo "=== generate_demo_data --municipalities $municipalities --kpis-per-plan 300 --years 10"
mark=$(now)
timeout 1800 $PY manage.py generate_demo_data --municipalities "$municipalities" --kpis-per-plan 300 --years 10 --seed 1 --jobs 2
export BENCH_GENERATE_S=$(since "$mark")
echo "    $BENCH_GENERATE_S s"

# The bulk load leaves millions of rows autovacuum has not seen: vacuum and analyze them before the
# recompute, or autovacuum does it during the recompute (a core busy for a minute of it) and again
# during the wrk runs (the database cache slower). Production's autovacuum does this after a load.
echo "=== VACUUM (ANALYZE) after the load"
mark=$(now)
vacuum
echo "    $(since "$mark") s"

echo "=== recompute_progress --all --jobs 2"
mark=$(now)
timeout 1800 $PY manage.py recompute_progress --all --jobs 2
export BENCH_RECOMPUTE_S=$(since "$mark")
echo "    $BENCH_RECOMPUTE_S s"

# Again after the recompute, for what it wrote (nothing but the plans' version counters when the
# rules find what generation stored): quick, and no autovacuum starts during the wrk runs.
echo "=== VACUUM (ANALYZE) after the recompute"
vacuum

timeout 300 $PY manage.py collectstatic --noinput -v0
echo "=== the pages and their static twins (in-process, before gunicorn starts)"
timeout 600 $PY -m benchmarks pages-prepare

echo "=== gunicorn on 127.0.0.1:$port (log: $work/gunicorn.log)"
.venv/bin/gunicorn -c deploy/gunicorn.conf.py kpi_tracker.wsgi >"$work/gunicorn.log" 2>&1 &
gunicorn_pid=$!
for _ in $(seq 150); do
  curl -fs -o /dev/null "http://127.0.0.1:$port/robots.txt" && break
  sleep 0.2
done
curl -fs -o /dev/null "http://127.0.0.1:$port/robots.txt" || { echo "gunicorn did not start"; tail -n 30 "$work/gunicorn.log"; exit 1; }

echo "=== wrk"
GUNICORN_PID=$gunicorn_pid timeout $(( BENCH_SECONDS * 4 * 13 + 900 )) $PY -m benchmarks pages
echo "=== make bench done in $(since "$started") s"
