#!/usr/bin/env bash
# `make lighthouse`: Lighthouse (mobile preset, Debian's chromium) on the goal and KPI pages of a
# seed plan, served as in production: DEBUG=0, collectstatic (hashed, compressed files), whitenoise
# and gunicorn, with a throwaway SQLite database. Keeps the JSON and HTML reports under
# benchmarks/lighthouse/ and fails below performance 95 or accessibility 100.
# Lighthouse is installed with npm into var/node/ on first use (not globally).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=${LIGHTHOUSE_PORT:-8071}
CHROME=${CHROMIUM:-/usr/bin/chromium}
OUT=benchmarks/lighthouse
LIGHTHOUSE=var/node/node_modules/.bin/lighthouse
PAGES=(
  "goal /plans/ogori-strategy-2/goals/2/"
  "kpi /plans/ogori-strategy-2/kpis/2(1)-1/"
)

if [ ! -x "$LIGHTHOUSE" ]; then
  mkdir -p var/node
  npm install --prefix var/node "lighthouse@${LIGHTHOUSE_VERSION:-12}" --no-audit --no-fund --loglevel=error
fi

work=$(mktemp -d /tmp/kpi-lighthouse.XXXXXX)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

export DEBUG=0 SECRET_KEY=lighthouse-local-only ALLOWED_HOSTS=127.0.0.1 VAR_DIR="$work" \
  SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0 AXES_ENABLED=0 LOG_LEVEL=ERROR
export DATABASE_URL="sqlite:///$work/db.sqlite3"
echo "Preparing a production-like server in $work ..."
$PY manage.py migrate --noinput -v0
$PY manage.py load_seed_plans -v0
$PY manage.py collectstatic --noinput -v0
.venv/bin/gunicorn kpi_tracker.wsgi --bind "127.0.0.1:$PORT" --workers 2 --log-level warning &
server_pid=$!
for _ in $(seq 50); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/" && break
  sleep 0.2
done
curl -fs -o /dev/null "http://127.0.0.1:$PORT/" || { echo "gunicorn did not start on port $PORT"; exit 1; }

mkdir -p "$OUT"
for entry in "${PAGES[@]}"; do
  name=${entry%% *}
  path=${entry#* }
  echo "Lighthouse (mobile) on $path"
  "$LIGHTHOUSE" "http://127.0.0.1:$PORT$path" \
    --chrome-path="$CHROME" \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage" \
    --form-factor=mobile \
    --only-categories=performance,accessibility,best-practices,seo \
    --output=json --output=html --output-path="$OUT/$name" --quiet
done

$PY - "$OUT" "${PAGES[@]}" <<'PY'
import json, sys
from pathlib import Path

out, pages = Path(sys.argv[1]), [entry.split(" ", 1) for entry in sys.argv[2:]]
summary, failed = {}, []
for name, path in pages:
    report = json.loads((out / f"{name}.report.json").read_text())
    scores = {key: round(category["score"] * 100) for key, category in report["categories"].items()}
    metrics = {key: report["audits"][key]["displayValue"] for key in (
        "first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift", "speed-index")}
    summary[name] = {"url": path, "lighthouse": report["lighthouseVersion"], "form_factor": report["configSettings"]["formFactor"],
                     "fetched_at": report["fetchTime"], "scores": scores, "metrics": metrics}
    print(f"{name:5} {path:40} " + "  ".join(f"{key} {value}" for key, value in scores.items()))
    if scores["performance"] < 95 or scores["accessibility"] < 100:
        failed.append(name)
(out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
if failed:
    sys.exit(f"below target (performance >= 95, accessibility 100): {', '.join(failed)}")
PY
